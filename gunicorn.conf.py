"""Gunicorn settings, read from the directory gunicorn starts in (its default ``./gunicorn.conf.py``); the
command line gives the rest (README: Running in production; bench/run.sh)."""
import gc


def post_worker_init(worker) -> None:
    """Once the app is loaded in a worker, take what is loaded so far (modules, the app, translations, the word
    lists: about 250,000 objects) out of the garbage collector's view. A full collection then walks what the
    requests leave behind, not all of that: it took 170 ms every few thousand requests, and every request in
    the worker waited for it (bench/RESULTS.md)."""
    gc.collect()
    gc.freeze()
