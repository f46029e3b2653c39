"""The slow, obvious reference: one practice at a time, plain Python loops over the economy's rows.

It exists to check the fast engine (national.py): both must give the same pence for every line. Keep it simple
rather than fast; when a rule changes, change it here first."""

from collections import defaultdict

from primarycare.payments.inputs import INDEX_COLUMNS, PaymentInputs
from primarycare.payments.money import pence, share_of
from primarycare.payments.points import points_from_achievement

Line = tuple[str, str, str, int]  # practice, component, item, pence


def reference_lines(inputs: PaymentInputs, kept: set[str] | None = None) -> list[Line]:
    economy, params = inputs.economy, inputs.params
    patients, workload = defaultdict(int), defaultdict(int)
    for code, sex, band, count in economy.lists.iter_rows():
        patients[code] += count
        workload[code] += count * round(params.workload[(sex, band)] * 100)
    national_mean = sum(workload.values()) / max(1, sum(patients.values()))
    index = defaultdict(lambda: 1.0)
    if inputs.indices is not None:
        for row in inputs.indices.iter_rows(named=True):
            product = 1.0
            for column in INDEX_COLUMNS:
                if row.get(column) is not None:
                    product = product * row[column]
            index[row["practice_code"]] = product
    lines: list[Line] = []
    weighted = {}
    for practice in economy.practices:
        code = practice.code
        age_sex = workload[code] / patients[code] / national_mean if patients[code] > 0 else 1.0
        weighted[code] = patients[code] * age_sex * index[code]
        global_sum = pence(weighted[code] * params.global_sum_per_weighted_patient.value)
        lines.append((code, "GLOBAL_SUM", "global sum", global_sum))
        if practice.ooh_opted_out:
            deduction = share_of(global_sum, params.ooh_deduction_share.value)
            lines.append((code, "OOH_DEDUCTION", "out-of-hours opt-out", -deduction))
    values = reference_qof(inputs, kept)
    if inputs.prior is None:
        lines += [(code, "QOF", indicator, amount) for code, indicator, amount in values]
    else:
        prior_totals = defaultdict(int)
        for code, _, amount in reference_qof(inputs.prior, kept):
            prior_totals[code] += amount
        for practice in economy.practices:
            if practice.code in prior_totals:
                aspiration = share_of(prior_totals[practice.code], params.qof_aspiration_share.value)
                lines.append((practice.code, "QOF_ASPIRATION", "aspiration payment", aspiration))
                lines.append((practice.code, "QOF_ACHIEVEMENT", "less aspiration paid", -aspiration))
        lines += [(code, "QOF_ACHIEVEMENT", indicator, amount) for code, indicator, amount in values]
    for code, service, items in economy.services.iter_rows() if not economy.services.is_empty() else []:
        rate = inputs.rates[service]
        units = {"per_patient": patients[code], "per_weighted_patient": weighted[code]}.get(rate.basis, items)
        lines.append((code, "ENHANCED_SERVICE", rate.name, pence(units * rate.rate.value)))
    return lines


def reference_qof(inputs: PaymentInputs, kept: set[str] | None = None) -> list[tuple[str, str, int]]:
    """(practice, indicator, pence) for every indicator with points."""
    economy, params = inputs.economy, inputs.params
    national = inputs.prevalence_by_group()
    patients = defaultdict(int)
    for code, _, _, count in economy.lists.iter_rows():
        patients[code] += count
    group_of = dict(economy.indicators.select("indicator_code", "group_code").iter_rows())
    point_values = dict(economy.indicators.select("indicator_code", "point_value").iter_rows())
    practice_prevalence = {}
    if not economy.prevalence.is_empty():
        for row in economy.prevalence.iter_rows(named=True):
            size = row["practice_list_size"]
            practice_prevalence[(row["practice_code"], row["group_code"])] = row["register"] / size if size else 0.0
    values = []
    for row in economy.achievement.iter_rows(named=True):
        points = row["achieved_points"]
        if inputs.thresholds and row["indicator_code"] in inputs.thresholds:
            lower, upper = inputs.thresholds[row["indicator_code"]]
            maximum = point_values[row["indicator_code"]]
            denominator = row["denominator"] or 0
            points = (
                points_from_achievement(row["numerator"] / denominator * 100, lower, upper, maximum)
                if denominator > 0
                else 0.0
            )
        if points is None or points <= 0 or (kept is not None and row["indicator_code"] not in kept):
            continue
        code, group = row["practice_code"], group_of.get(row["indicator_code"])
        cpi = patients[code] / params.qof_national_average_list.value
        apdf = 1.0
        if national.get(group, 0) > 0:
            apdf = practice_prevalence.get((code, group), 0.0) / national[group]
        if inputs.round_factors is not None:
            cpi, apdf = round(cpi, inputs.round_factors), round(apdf, inputs.round_factors)
        values.append((code, row["indicator_code"], pence(points * params.qof_price_per_point.value * cpi * apdf)))
    return values
