"""Where chunks run: in this process, in a pool of processes, or on Ray (local, or a cluster at --ray-address).
A chunk is one (scenario, replication, commissioner); every runner gives the same results for the same seed."""

from collections.abc import Callable
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
            size = max(1, len(chunks) // (4 * (workers or pool._max_workers)))
            return [_done(result, tick) for result in pool.map(task, chunks, chunksize=size)]
    return _ray(task, chunks, workers, ray_address, tick)


def _done(result, tick):
    tick(1)
    return result


def _batches(chunks: list, workers: int) -> list[list]:
    """Few, large tasks (about four per worker): per-task overhead stays small against the work."""
    count = max(1, min(len(chunks), 4 * workers))
    size = -(-len(chunks) // count)
    return [chunks[i : i + size] for i in range(0, len(chunks), size)]


def _run_batch(task: Callable, batch: list) -> list:
    return [task(chunk) for chunk in batch]


def _ray(task, chunks: list, workers, address, tick) -> list:
    try:
        import ray
    except ImportError:
        raise RuntimeError(
            "the Ray runner needs the distributed extra: pip install 'primarycare[distributed]'"
        ) from None
    if not ray.is_initialized():
        options = {"address": address} if address else {"num_cpus": workers, "include_dashboard": False}
        ray.init(ignore_reinit_error=True, log_to_driver=False, **options)
    workers = workers or int(ray.available_resources().get("CPU", 1))
    remote = ray.remote(num_cpus=1)(_run_batch)
    shared_task = ray.put(task)
    batches = _batches(chunks, workers)
    results: list = [None] * len(batches)
    pending: dict = {}
    for index, batch in enumerate(batches):
        if len(pending) >= workers:  # at most one batch per worker in flight
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                results[pending.pop(ref)] = ray.get(ref)
        pending[remote.remote(shared_task, batch)] = index
    for ref, index in pending.items():
        results[index] = ray.get(ref)
    tick(len(chunks))
    return [result for batch in results for result in batch]
