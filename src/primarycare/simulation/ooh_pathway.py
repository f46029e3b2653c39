"""The out-of-hours pathway as a stand-alone sub-model (111 -> clinical assessment -> base visit, home visit or A&E),
in our engine and in SimPy, fed the same draws: the benchmark and the statistical check between the two engines."""

from dataclasses import dataclass

import numpy as np
import simpy

from primarycare.simulation.engine import constant_rota, station

TRAVEL_TO_BASE = 1.0  # hours
CLOCK_HOURS = 1.0  # definitive clinical assessment within 60 minutes of the end of the 111 call


@dataclass(frozen=True)
class Draws:
    arrivals: np.ndarray  # 111 calls, sorted, hours
    handling: np.ndarray
    to_ooh: np.ndarray  # bool: disposition to primary care (the OOH service)
    assessing: np.ndarray
    outcome: np.ndarray  # 0 telephone, 1 base, 2 home, 3 A&E
    visit: np.ndarray


@dataclass(frozen=True)
class Staffing:
    call_handlers: int = 2
    clinicians: int = 2
    base: int = 1
    home: int = 1


def draw(rng: np.random.Generator, calls_per_hour: float, hours: float) -> Draws:
    n = rng.poisson(calls_per_hour * hours)
    outcome = rng.choice(4, size=n, p=[0.41, 0.41, 0.13, 0.05])
    return Draws(
        arrivals=np.sort(rng.uniform(0, hours, n)),
        handling=rng.exponential(12 / 60, n),
        to_ooh=rng.random(n) < 0.62,
        assessing=rng.exponential(15 / 60, n),
        outcome=outcome,
        visit=np.where(outcome == 2, rng.exponential(1.0, n), rng.exponential(20 / 60, n)),
    )


def kpis(waits_111, waits_assessment, waits_base, waits_home, referred) -> dict[str, float]:
    return {
        "mean_111_wait": float(np.mean(waits_111)) if len(waits_111) else 0.0,
        "mean_assessment_wait": float(np.mean(waits_assessment)) if len(waits_assessment) else 0.0,
        "clock_compliance": float(np.mean(np.asarray(waits_assessment) <= CLOCK_HOURS)) if len(waits_assessment) else 1,
        "mean_base_wait": float(np.mean(waits_base)) if len(waits_base) else 0.0,
        "mean_home_wait": float(np.mean(waits_home)) if len(waits_home) else 0.0,
        "ae_referrals": float(referred),
    }


def run_fast(d: Draws, s: Staffing) -> dict[str, float]:
    answered, _ = station(d.arrivals, d.handling, constant_rota(s.call_handlers))
    ended = answered + d.handling
    index = np.flatnonzero(d.to_ooh)
    order = index[np.argsort(ended[index], kind="stable")]
    started, _ = station(ended[order], d.assessing[order], constant_rota(s.clinicians))
    done = started + d.assessing[order]
    waits = {}
    for kind, servers, travel in ((1, s.base, TRAVEL_TO_BASE), (2, s.home, 0.0)):
        mine = d.outcome[order] == kind
        arrive = done[mine] + travel
        sequence = np.argsort(arrive, kind="stable")
        begun, _ = station(arrive[sequence], d.visit[order][mine][sequence], constant_rota(servers))
        waits[kind] = begun - arrive[sequence]
    return kpis(answered - d.arrivals, started - ended[order], waits[1], waits[2], (d.outcome[order] == 3).sum())


def run_simpy(d: Draws, s: Staffing) -> dict[str, float]:
    env = simpy.Environment()
    handlers, clinicians = simpy.Resource(env, s.call_handlers), simpy.Resource(env, s.clinicians)
    visits = {1: simpy.Resource(env, s.base), 2: simpy.Resource(env, s.home)}
    w111, wassess, wvisit, referred = [], [], {1: [], 2: []}, [0]

    def case(i: int):
        with handlers.request() as call:
            yield call
            w111.append(env.now - d.arrivals[i])
            yield env.timeout(d.handling[i])
        if not d.to_ooh[i]:
            return
        ended = env.now
        with clinicians.request() as clinician:
            yield clinician
            wassess.append(env.now - ended)
            yield env.timeout(d.assessing[i])
        kind = int(d.outcome[i])
        if kind == 3:
            referred[0] += 1
        if kind not in visits:
            return
        if kind == 1:
            yield env.timeout(TRAVEL_TO_BASE)
        arrived = env.now
        with visits[kind].request() as visit:
            yield visit
            wvisit[kind].append(env.now - arrived)
            yield env.timeout(d.visit[i])

    def source():
        for i in range(d.arrivals.size):
            yield env.timeout(d.arrivals[i] - env.now)
            env.process(case(i))

    env.process(source())
    env.run()
    return kpis(w111, wassess, wvisit[1], wvisit[2], referred[0])
