"""SimPy versions of our stations and of the out-of-hours pathway: the reference implementation the fast engine is
judged against (same random numbers -> same waits; independent streams -> statistically the same results)."""

import numpy as np
import simpy


def simpy_station(arrivals: np.ndarray, services: np.ndarray, servers: int) -> np.ndarray:
    """Start times at an FCFS station of ``servers`` servers on duty all the time, a SimPy process per customer."""
    env = simpy.Environment()
    resource = simpy.Resource(env, capacity=servers)
    starts = np.empty(len(arrivals))

    def source():
        for i in range(len(arrivals)):
            yield env.timeout(arrivals[i] - env.now)
            env.process(served(i))

    def served(i: int):
        with resource.request() as request:
            yield request
            starts[i] = env.now
            yield env.timeout(services[i])

    env.process(source())
    env.run()
    return starts


def erlang_c_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean wait in an M/M/c queue (Erlang C), in the time unit of the rates."""
    a = arrival_rate / service_rate
    rho = a / servers
    if rho >= 1:
        raise ValueError("the queue is unstable (utilisation >= 1)")
    term, total = 1.0, 1.0
    for k in range(1, servers):
        term *= a / k
        total += term
    last = term * a / servers
    p_wait = last / (1 - rho) / (total + last / (1 - rho))
    return p_wait / (servers * service_rate - arrival_rate)
