"""The slow, obvious reference: one practice at a time, plain Python loops over the economy's rows.

It exists to check the fast engine (national.py): both must give the same pence for every line. Keep it simple
rather than fast; when a rule changes, change it here first."""

from collections import defaultdict

from primarycare.payments.inputs import INDEX_COLUMNS, PaymentInputs
from primarycare.payments.money import pence, share_of
from primarycare.payments.months import month_rates, month_start, span_label
from primarycare.payments.points import points_from_achievement

Line = tuple[str, str, str, int]  # practice, component, item, pence


def reference_lists(inputs: PaymentInputs) -> tuple[dict[str, int], dict[str, float]]:
    """Each practice's registered patients and estimated weighted list (patients x age/sex index x indices)."""
    economy, params = inputs.economy, inputs.params
    patients, workload = defaultdict(int), defaultdict(int)
    for code, sex, band, count in economy.lists.iter_rows():
        patients[code] += count
        workload[code] += count * round(params.workload[(sex, band)] * 100)
    national_mean = params.england_mean_weight.value * 100
    index = defaultdict(lambda: 1.0)
    if inputs.indices is not None:
        for row in inputs.indices.iter_rows(named=True):
            product = 1.0
            for column in INDEX_COLUMNS:
                if row.get(column) is not None:
                    product = product * row[column]
            index[row["practice_code"]] = product
    weighted = {}
    for practice in economy.practices:
        code = practice.code
        age_sex = workload[code] / patients[code] / national_mean if patients[code] > 0 else 1.0
        weighted[code] = patients[code] * age_sex * index[code]
    return patients, weighted


def reference_lines(inputs: PaymentInputs, kept: set[str] | None = None) -> list[Line]:
    economy, params = inputs.economy, inputs.params
    patients, weighted = reference_lists(inputs)
    published = {}
    if inputs.weighted_lists is not None:
        for code, quarter, listed in inputs.weighted_lists.iter_rows():
            published[(code, quarter)] = listed
    local = {}
    if inputs.local_contracts is not None:
        for row in inputs.local_contracts.iter_rows(named=True):
            local[row["practice_code"]] = row
    rates = month_rates(params.year, params.values_of("global_sum_per_weighted_patient"))
    lines: list[Line] = []
    for practice in economy.practices:
        code = practice.code
        if code in local:
            lines += _local_contract(code, local[code], patients[code])
            continue
        months = []
        for rate in rates:
            quarter = month_start(params.year, (rate.month - 1) // 3 * 3 + 1)
            listed = published.get((code, quarter))
            source = "estimated" if listed is None else "published"
            months.append((rate, listed if listed is not None else weighted[code], source))
        core = []
        for run in _runs(months, lambda m: (m[1], m[2], m[0].paid.value)):
            rate, listed = run[0][0], run[0][1]
            n = len(run)
            item = "global sum" if n == 12 else f"global sum {span_label(run[0][0].month, run[-1][0].month)}"
            core.append(("GLOBAL_SUM", item, pence(listed * rate.paid.value * n / 12), ""))
        owed = [m for m in months if m[0].final.value != m[0].paid.value]
        keys = lambda m: (m[1], m[0].paid.value, m[0].final.value, m[0].arrears_month)  # noqa: E731
        for run in _runs(owed, keys):
            rate, listed = run[0][0], run[0][1]
            n, span = len(run), span_label(run[0][0].month, run[-1][0].month)
            when = rate.final.effective_from
            item = f"arrears {span}: £{rate.final.value:.2f} from {when.day} {when:%B %Y}"
            core.append(
                ("GLOBAL_SUM_ARREARS", item, pence(listed * (rate.final.value - rate.paid.value) * n / 12), span)
            )
        for component, item, amount, span in core:
            lines.append((code, component, item, amount))
            if practice.ooh_opted_out:
                suffix = f" on arrears {span}" if span else item.removeprefix("global sum")
                deduction = share_of(amount, params.ooh_deduction_share.value)
                lines.append((code, "OOH_DEDUCTION", f"out-of-hours opt-out{suffix}", -deduction))
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


def _runs(months: list, key) -> list[list]:
    """Consecutive months with the same key, in order."""
    runs: list[list] = []
    for month in months:
        if runs and key(runs[-1][-1]) == key(month) and runs[-1][-1][0].month + 1 == month[0].month:
            runs[-1].append(month)
        else:
            runs.append([month])
    return runs


def _local_contract(code: str, contract: dict, patients: int) -> list[Line]:
    per_patient = contract["basis"] == "PER_PATIENT"
    value = pence(patients * contract["value"]) if per_patient else pence(contract["value"])
    lines = [(code, "GLOBAL_SUM", f"{contract['contract_type']} contract value", value)]
    if contract["ooh_share"] > 0:
        lines.append(
            (code, "OOH_DEDUCTION", "out-of-hours deduction (as agreed)", -share_of(value, contract["ooh_share"]))
        )
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
    practice_prevalence = {}  # each register over the practice's whole registered list
    if not economy.prevalence.is_empty():
        for row in economy.prevalence.iter_rows(named=True):
            size = patients.get(row["practice_code"], 0)
            practice_prevalence[(row["practice_code"], row["group_code"])] = row["register"] / size if size else 0.0
    protected, before, in_prior = set(), {}, set()
    if inputs.protection is not None and inputs.prior is not None and not economy.indicators.is_empty():
        domains = dict(economy.indicators.select("indicator_code", "domain_code").iter_rows())
        protected = inputs.protection.codes(domains)
        for row in inputs.prior.economy.achievement.iter_rows(named=True):
            in_prior.add(row["practice_code"])
            before[(row["practice_code"], row["indicator_code"])] = row["achieved_points"]
    rows = list(economy.achievement.iter_rows(named=True))
    seen = {(row["practice_code"], row["indicator_code"]) for row in rows}
    current = {p.code for p in economy.practices}
    for (code, indicator), _ in before.items():
        if indicator in protected and code in current and (code, indicator) not in seen:
            rows.append({"practice_code": code, "indicator_code": indicator, "achieved_points": 0.0})
    values = []
    for row in rows:
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
        if row["indicator_code"] in protected and row["practice_code"] in in_prior:
            points = before.get((row["practice_code"], row["indicator_code"])) or 0.0
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
