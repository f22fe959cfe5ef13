"""moto's server, served with less CPU per request and the same answers.

Profiled under the 16-cell bench (py-spy, issue #16 item 4), stock moto server mode spends
a third of its time around the services rather than in them:

- routing: ``DomainDispatcherApplication.get_backend_for_host`` asks whether the host is a
  moto module by listing moto's package directory (``list_of_moto_modules``: an ``isdir``
  for each of its ~300 entries) on every request, holding the dispatcher's lock;
- writing: werkzeug's handler writes the status line and headers, then the body, each with
  its own ``sendall`` (an unbuffered socket writer);
- logging: one access line per request (``"POST / HTTP/1.1" 200 -``) that names no call.

Imported by the server only (it imports moto and werkzeug).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any

from moto.core.base_backend import AccountSpecificBackend
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler

_MISSING = object()


class ConnectionWorkers:
    """Threads that serve one connection after another, instead of a new thread for each.

    werkzeug's threaded server starts a thread per connection, and every AWS call is a
    connection of its own (it answers ``Connection: close``): the main thread spent about a
    second per bench creating and starting threads. Here a connection goes to an idle worker,
    and a new worker starts only when none is idle, so nothing ever waits for a worker (the
    CloudFormation engine calls back into the emulator from inside a request) and the number
    of workers is the most connections ever served at once. Workers are daemons, as werkzeug's
    threads are, and serve each connection with the server's own ``process_request_thread``.
    Thread-local state is per request already: the call counter sets and clears its caller
    around each call, Flask pushes and pops its contexts.
    """

    def __init__(self, server: Any) -> None:
        self._server = server
        self._queue: queue.SimpleQueue[tuple[Any, Any]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0
        self.started = 0

    def install(self) -> None:
        self._server.process_request = self.process_request

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._lock:
            spawn = not self._idle
            if spawn:
                self.started += 1
            else:
                self._idle -= 1  # that worker takes this connection, or another one does
        self._queue.put((request, client_address))
        if spawn:
            threading.Thread(target=self._work, name="request-worker", daemon=True).start()

    def _work(self) -> None:
        while True:
            request, client_address = self._queue.get()
            self._server.process_request_thread(request, client_address)
            with self._lock:
                self._idle += 1


class CachingDispatcher(DomainDispatcherApplication):
    """moto's dispatcher, resolving each host to its backend once.

    The answer for a host depends only on the host, moto's package directory and its URL
    patterns, none of which change while the server runs; a request's host is either one
    of the fixed names or ``service.region.amazonaws.com``-like, so the cache stays small.
    (moto prints "Unable to find appropriate backend" once per unknown host, not per request.)
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._backends: dict[str | None, Any] = {}

    def get_backend_for_host(self, host: str | None) -> Any:
        backend = self._backends.get(host, _MISSING)
        if backend is _MISSING:
            backend = super().get_backend_for_host(host)
            self._backends[host] = backend
        return backend


ACCESS_LOG_FROM_STATUS = 400
"""Requests answered with this status or above keep werkzeug's access line in the log."""


class BufferedRequestHandler(MotoRequestHandler):
    """moto's request handler, writing each response in one send, logging only errors.

    ``wbufsize`` makes ``wfile`` a buffered writer: werkzeug still flushes after every chunk
    it writes, so the client sees the same bytes at the same points, but the headers go out
    with the first chunk instead of in a send of their own. Access lines are kept for
    answers of 400 and above (the errors worth reading); calls are counted by ``/_harness/calls``.
    """

    wbufsize = 64 * 1024

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        status = str(code)
        if not status.isdigit() or int(status) >= ACCESS_LOG_FROM_STATUS:
            super().log_request(code, size)


def plain_request_files() -> None:
    """Stop Flask building a class per request for moto's debug-mode apps.

    moto sets ``debug = True`` on every backend app (keeping Flask's debug error behaviour,
    which we keep too), and in debug mode Flask's ``Request._load_form_data`` swaps the
    ``files`` of every non-multipart form request for an ad-hoc subclass whose missing-key
    error explains ``enctype`` to a browser user (``flask.debughelpers``). Creating that class
    is a measurable share of a query-protocol request. The subclass only changes the message
    of a ``KeyError`` on empty ``files``, and moto reads ``files`` only when it has some
    (``BaseResponse.setup_class``).
    """
    from flask import debughelpers

    def leave_files_alone(request: Any) -> None:
        return None

    debughelpers.attach_enctype_error_multidict = leave_files_alone


def share_botocore_loader() -> None:
    """One botocore data loader for every botocore session in the process.

    moto makes sessions of its own (for region lists: ``AccountSpecificBackend.get_session``,
    three in ``RegionsAndZonesBackend``'s class body) and the CloudFormation engine one for its
    clients; each session's loader parsed ``endpoints.json`` and every service model it was
    asked for again (a region list loads the whole model for its endpoint prefix): seconds of
    JSON per bench. Loaders for one data path load the same files, and botocore registers no
    handler that edits loaded data; so one loader per data path. Call before moto loads.
    """
    from botocore import loaders, session

    create = loaders.create_loader

    @cache
    def create_loader(search_path_string: str | None = None) -> Any:
        return create(search_path_string)

    setattr(session, "create_loader", create_loader)  # noqa: B010  (session.py imports it)


def cached_method_names() -> None:
    """List a response class's methods once, not on every call it serves.

    ``BaseResponse.call_action`` asks ``method_names_from_class`` (``inspect.getmembers``
    over the class and its bases) whether the action is a method, for every request. The
    answer changes only when a method is added or removed: the fidelity layers do that when
    they install, which is before the server serves, so call this after ``install``.
    """
    from moto.core import responses, utils

    names_of = cache(utils.method_names_from_class)

    def method_names_from_class(clazz: object) -> list[str]:
        return list(names_of(clazz))

    # call_action reads the name from its own module's globals (imported from moto.core.utils)
    setattr(responses, "method_names_from_class", method_names_from_class)  # noqa: B010


PICKED_KEYS_LIMIT = 100_000
"""Entries kept per picker class: bounded, in case shapes were ever built per request."""


def cached_attribute_keys() -> None:
    """Work out once which attribute names moto's serializer tries for a response member.

    For every member of every response, ``AttributePicker.get_possible_keys`` instantiates
    six alias providers and asks each whether it has an alias: a tenth of the emulator's CPU
    in the bench. What they answer depends only on the picker's providers, the class of the
    object serialized (and its ``Meta``), the member's name and its shape (and the shape's
    parent, which the serializer sets): the cache key, shapes by identity (moto keeps them).
    Anything unhashable, or a provider that raises, is left to moto, uncached.
    """
    from moto.core import serialize

    for picker in (serialize.AttributePicker, serialize.XFormedAttributePicker):
        original = picker.__dict__["get_possible_keys"]
        setattr(picker, "get_possible_keys", _remembering(original))  # noqa: B010


def _remembering(original: Callable[[Any, Any], Iterable[str]]) -> Callable[[Any, Any], Any]:
    known: dict[tuple[Any, ...], tuple[str, ...]] = {}

    def get_possible_keys(self: Any, context: Any) -> Iterator[str]:
        try:
            obj, shape = context.obj, context.shape
            key = (
                type(self), tuple(self.alias_providers), obj.__class__,
                getattr(obj, "Meta", None), context.key, shape, getattr(shape, "parent", None),
            )  # fmt: skip
            keys = known.get(key)
            if keys is None:
                keys = tuple(original(self, context))
                if len(known) < PICKED_KEYS_LIMIT:
                    known[key] = keys
        except Exception:  # moto's own answer, raising where it raises
            return iter(original(self, context))
        return iter(keys)

    return get_possible_keys


_regions_lock = threading.Lock()


def share_region_lists() -> None:
    """Compute moto's list of a service's regions once per service, not once per account.

    ``AccountSpecificBackend._generate_regions`` is ``lru_cache``d on the instance, so every
    new account (each cell signs with its own) asks botocore's endpoint data again for every
    service it touches; the list depends on the service name alone.
    """
    original = AccountSpecificBackend._generate_regions.__wrapped__

    @cache
    def regions_of(service_name: str) -> tuple[str, ...]:
        with _regions_lock:
            return tuple(original(None, service_name))

    def generate_regions(self: Any, service_name: str) -> list[str]:
        return list(regions_of(service_name))

    AccountSpecificBackend._generate_regions = generate_regions  # type: ignore[method-assign,assignment]
