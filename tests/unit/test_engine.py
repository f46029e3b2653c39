"""The station engine: exact timelines, the reference, SimPy on the same random numbers, queueing theory."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from primarycare.simulation.engine import HOURS_PER_WEEK, constant_rota, station, station_reference
from primarycare.simulation.simpy_reference import erlang_c_wait, simpy_station
from primarycare.simulation.stats import batch_means_ci

# Exact timelines with fixed durations: (arrivals, services, servers, expected starts)
TIMELINES = [
    ([0.0, 0.0, 0.0], [1.0, 1.0, 1.0], 1, [0.0, 1.0, 2.0]),
    ([0.0, 0.0, 0.0], [1.0, 1.0, 1.0], 2, [0.0, 0.0, 1.0]),
    ([0.0, 0.5, 3.0], [2.0, 2.0, 1.0], 1, [0.0, 2.0, 4.0]),
    ([0.0, 0.1, 0.2, 0.3], [1.0, 0.2, 5.0, 0.1], 2, [0.0, 0.1, 0.3, 1.0]),  # job 3 waits for the first server
]


@pytest.mark.parametrize(("arrivals", "services", "servers", "expected"), TIMELINES)
def test_exact_timelines(arrivals, services, servers, expected):
    starts, _ = station(np.array(arrivals), np.array(services), constant_rota(servers))
    assert starts.tolist() == pytest.approx(expected)


def test_a_rota_keeps_jobs_waiting_until_a_server_comes_on_duty():
    rota = np.zeros(HOURS_PER_WEEK, dtype=int)
    rota[18:24] = 1  # Monday 18:00-24:00 only
    starts, servers = station(np.array([2.0, 17.5, 23.9, 30.0]), np.array([0.5, 0.5, 0.5, 0.5]), rota)
    assert starts[:3].tolist() == [18.0, 18.5, 23.9]  # the 23.9 job starts and runs past the shift's end
    assert starts[3] == 168 + 18  # next Monday evening
    never, chosen = station(np.array([1.0]), np.array([1.0]), np.zeros(HOURS_PER_WEEK, dtype=int))
    assert np.isinf(never[0]) and chosen[0] == -1


@settings(max_examples=60, deadline=None)
@given(
    gaps=st.lists(st.floats(min_value=0, max_value=3), min_size=1, max_size=60),
    services=st.lists(st.floats(min_value=0.01, max_value=5), min_size=60, max_size=60),
    rota=st.lists(st.integers(min_value=0, max_value=3), min_size=HOURS_PER_WEEK, max_size=HOURS_PER_WEEK),
)
def test_the_engine_agrees_with_the_slow_reference(gaps, services, rota):
    arrivals = np.cumsum(gaps)
    services = np.array(services[: len(arrivals)])
    fast, fast_servers = station(arrivals, services, np.array(rota))
    slow, slow_servers = station_reference(arrivals.tolist(), services.tolist(), rota)
    assert fast.tolist() == slow and fast_servers.tolist() == slow_servers


def test_simpy_gives_the_same_waits_for_the_same_random_numbers():
    rng = np.random.default_rng(5)
    arrivals = np.cumsum(rng.exponential(1 / 9, 20_000))
    services = rng.exponential(1.0, 20_000)
    ours, _ = station(arrivals, services, constant_rota(10))
    assert np.array_equal(ours, simpy_station(arrivals, services, 10))


def test_mmc_mean_wait_matches_erlang_c_within_its_confidence_interval():
    rng = np.random.default_rng(11)
    n = 400_000
    arrivals = np.cumsum(rng.exponential(1 / 9, n))
    starts, _ = station(arrivals, rng.exponential(1.0, n), constant_rota(10))
    mean, half = batch_means_ci((starts - arrivals)[n // 20 :])  # drop a warm-up
    assert abs(mean - erlang_c_wait(9, 1, 10)) <= half


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6), rate=st.floats(0.5, 5), mean_service=st.floats(0.1, 2), servers=st.integers(1, 6))
def test_littles_law_and_infinite_servers(seed, rate, mean_service, servers):
    rng = np.random.default_rng(seed)
    n = 2_000
    arrivals = np.cumsum(rng.exponential(1 / rate, n))
    services = rng.exponential(mean_service, n)
    plenty, _ = station(arrivals, services, constant_rota(n))  # as many servers as customers: nobody waits
    assert np.array_equal(plenty, arrivals)
    starts, _ = station(arrivals, services, constant_rota(servers))
    departures = starts + services
    horizon = departures.max()
    # Little's law on the whole busy history: time-average number in system = arrival rate x mean time in system
    events = np.concatenate([np.c_[arrivals, np.ones(n)], np.c_[departures, -np.ones(n)]])
    events = events[np.lexsort((events[:, 1], events[:, 0]))]
    in_system = np.cumsum(events[:, 1])[:-1]
    area = float(np.sum(in_system * np.diff(events[:, 0])))
    assert area / horizon == pytest.approx(n / horizon * float(np.mean(departures - arrivals)), rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    gaps=st.lists(st.floats(min_value=0, max_value=2), min_size=1, max_size=80),
    services=st.lists(st.floats(min_value=0.01, max_value=5), min_size=80, max_size=80),
    rota=st.lists(st.integers(min_value=0, max_value=4), min_size=HOURS_PER_WEEK, max_size=HOURS_PER_WEEK).filter(any),
)
def test_simpy_servers_on_a_rota_start_every_job_when_the_engine_does(gaps, services, rota):
    """The whole-pathway reference's SimPy station (servers on a weekly rota, shifts changing on the hour) gives the
    same starts as the engine for the same jobs."""
    import simpy

    from primarycare.simulation.pathway_reference import RotaServers

    arrivals, services, rota = np.cumsum(gaps), np.array(services[: len(gaps)]), np.array(rota)
    fast, _ = station(arrivals, services, rota)
    env = simpy.Environment()
    servers, starts = RotaServers(env, rota), {}

    def job(i: int):
        yield env.timeout(arrivals[i] - env.now)
        started: list[float] = []
        yield env.process(servers.serve(services[i], started))
        starts[i] = started[0]

    def source():
        for i in range(arrivals.size):
            yield env.timeout(arrivals[i] - env.now)
            env.process(job(i))

    env.process(source())
    env.run(until=float(arrivals[-1]) + 2 * HOURS_PER_WEEK)
    assert [starts[i] for i in range(arrivals.size)] == pytest.approx(fast.tolist(), abs=1e-9)
