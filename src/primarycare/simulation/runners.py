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
    weights: list[float] | None = None,
) -> list:
    """Results in the order of ``chunks``. ``weights`` (the work in each chunk, e.g. patients) balance Ray's batches."""
    if runner not in RUNNERS:
        raise ValueError(f"runner must be one of {', '.join(RUNNERS)}")
    tick = progress or (lambda _n: None)
    if runner == "local":
        return [_done(task(chunk), tick) for chunk in chunks]
    if runner == "processes":
        with ProcessPoolExecutor(max_workers=workers) as pool:
            size = max(1, len(chunks) // (4 * (workers or pool._max_workers)))
            return [_done(result, tick) for result in pool.map(task, chunks, chunksize=size)]
    return _ray(task, chunks, weights or [1.0] * len(chunks), workers, ray_address, tick)


def _done(result, tick):
    tick(1)
    return result


def _batches(weights: list[float], workers: int) -> list[list[int]]:
    """Chunk indices in about four batches per worker, the heaviest chunks placed first, each on the lightest batch
    so far: few, large, even tasks keep per-task overhead small and no worker idle at the end."""
    count = max(1, min(len(weights), 4 * workers))
    batches: list[list[int]] = [[] for _ in range(count)]
    loads = [0.0] * count
    for index in sorted(range(len(weights)), key=lambda i: -weights[i]):
        lightest = loads.index(min(loads))
        batches[lightest].append(index)
        loads[lightest] += weights[index]
    return sorted((b for b in batches if b), key=lambda b: -sum(weights[i] for i in b))


def _run_batch(task: Callable, batch: list) -> list:
    return [task(chunk) for chunk in batch]


def _ray(task, chunks: list, weights: list[float], workers, address, tick) -> list:
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
    results: list = [None] * len(chunks)
    pending: dict = {}

    def collect(refs) -> None:
        for ref in refs:
            for index, result in zip(pending.pop(ref), ray.get(ref), strict=True):
                results[index] = result

    for batch in _batches(weights, workers):
        if len(pending) >= workers:  # at most one batch per worker in flight
            done, _ = ray.wait(list(pending), num_returns=1)
            collect(done)
        pending[remote.remote(shared_task, [chunks[i] for i in batch])] = batch
    collect(list(pending))
    tick(len(chunks))
    return results
