"""Patients' flags that change what their out-of-hours needs do: on a palliative care register, living in a care home.

A flagged patient has ``ratio`` times the out-of-hours needs of another patient of the same practice, so of the
practice's needs the flagged patients' share is r·F ÷ (r·F + L − F) for F flagged patients in a list of L.

Care-home residents: each practice's residents (a loaded ``--care-homes`` file, the synthetic economy's homes, or an
estimate of ``care_home_residents_per_85_plus`` for each patient aged 85 or more). Their out-of-hours needs are
``care_home_ooh_ratio`` times others' (the practice's OOH rate relative to England's, where
``care_home_share_england`` of the population live in care homes, so the national rate keeps its meaning); their
background A&E attendances ``care_home_ae_ratio`` times those of other patients aged 85-89 (the residents' mean age is
85-86); a face-to-face consultation is a visit to the home (residents do not travel to a base); and the OOH clinician's
referral to A&E follows ``care_home_ae_referral``, or ``care_home_ae_referral_with_notes`` where the clinician sees the
home's care plan in the notes."""

import numpy as np

from primarycare.economy.vocabulary import AGE_BANDS, age_band_lower


def flagged_share(ratio: float, flagged: np.ndarray, patients: np.ndarray) -> np.ndarray:
    """Per practice: the share of its patients' out-of-hours needs that are the flagged patients'."""
    flagged = np.minimum(flagged, patients)
    weighted = ratio * flagged
    total = weighted + patients - flagged
    return np.divide(weighted, total, out=np.zeros(patients.size), where=total > 0)


def palliative_chance(v: dict, patients: np.ndarray, register: np.ndarray | None) -> np.ndarray:
    """Per practice: the chance that an out-of-hours need is a palliative patient's, from the practice's palliative
    care register (QOF); without registers, ``palliative_share`` everywhere."""
    if register is None:
        return np.full(patients.size, v["palliative_share"])
    return flagged_share(v["palliative_ooh_ratio"], register, patients)


def care_home_residents(v: dict, pop: np.ndarray, given: np.ndarray | None) -> np.ndarray:
    """Per practice: its care-home residents, as given, else estimated from its patients aged 85 or more."""
    if given is not None:
        return np.minimum(np.asarray(given, np.float64), pop.sum(axis=1))
    oldest = np.array([age_band_lower(b) >= 85 for b in AGE_BANDS])
    return pop[:, oldest].sum(axis=1) * v["care_home_residents_per_85_plus"]


def care_home_ooh_multiplier(v: dict, residents: np.ndarray, patients: np.ndarray) -> np.ndarray:
    """Per practice: its patients' out-of-hours needs relative to England's average patient's."""
    extra = v["care_home_ooh_ratio"] - 1
    share = np.divide(residents, patients, out=np.zeros(patients.size), where=patients > 0)
    return (1 + extra * share) / (1 + extra * v["care_home_share_england"])


def care_home_ae_weight(v: dict, residents: np.ndarray, weight_85_89: float) -> np.ndarray:
    """Per practice: the residents' background A&E weight over what their age band already gives them."""
    return (v["care_home_ae_ratio"] - 1) * residents * weight_85_89


def referral_chance(v: dict, palliative: np.ndarray, care_home: np.ndarray, notes: bool) -> np.ndarray:
    """Per case: the chance the OOH clinician refers it to A&E, for a palliative patient, a care-home resident
    (palliative first) or anyone else, with or without the notes."""
    suffix = "_with_notes" if notes else ""
    return np.where(
        palliative,
        v[f"palliative_ae_referral{suffix}"],
        np.where(care_home, v[f"care_home_ae_referral{suffix}"], v[f"ooh_ae_referral{suffix}"]),
    )
