"""Where chunks run: in this process, in a pool of processes, or on Ray (local, or a cluster at --ray-address).
A chunk is one (scenario, replication, commissioner); every runner gives the same results for the same seed."""

from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor

RUNNERS = ("local", "processes", "ray")


def run_chunks(
    task: Callable,
    chunks: list,
    runner: str = "local",
    *,
    workers: int | None = None,
    ray_address: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> list:
    if runner not in RUNNERS:
        raise ValueError(f"runner must be one of {', '.join(RUNNERS)}")
    tick = progress or (lambda _n: None)
    if runner == "local":
        return [_done(task(chunk), tick) for chunk in chunks]
    if runner == "processes":
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return [_done(result, tick) for result in pool.map(task, chunks)]
    return _ray(task, chunks, workers, ray_address, tick)


def _done(result, tick):
    tick(1)
    return result


def _ray(task, chunks: Iterable, workers, address, tick) -> list:
    try:
        import ray
    except ImportError:
        raise RuntimeError(
            "the Ray runner needs the distributed extra: pip install 'primarycare[distributed]'"
        ) from None
    if not ray.is_initialized():
        options = {"address": address} if address else {"num_cpus": workers, "include_dashboard": False}
        ray.init(ignore_reinit_error=True, log_to_driver=False, **options)
    remote = ray.remote(task)
    pending = [remote.remote(chunk) for chunk in chunks]
    results = ray.get(pending)
    tick(len(results))
    return results
