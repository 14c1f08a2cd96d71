# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A deadline for each HTTP request as a whole, which requests' timeout (per connect and per read) is not.
Not a public API."""

from __future__ import annotations

import os
import socket
import threading

try:
    import requests
except ImportError:
    pass  # the modules say requests is missing before any client is made

_DEADLINE = threading.local()


class Deadline:
    """The deadline of one request: when it passes, every socket the request connected or reused is shut down.

    requests' timeout bounds connecting and each read of the socket, not the
    request: a server or proxy that trickles its headers or its body, or stalls
    a CONNECT or a TLS handshake a few bytes at a time, could hold a task for
    ever. Shutting the socket down ends whatever call is blocked on it, whatever
    the library versions. The connections of the session's pools hand their
    sockets over (``_WatchedConnection``); each is kept as a duplicate, which
    stays usable while TLS takes the original over.
    """

    def __init__(self, seconds):
        self.cut = False  # the deadline passed and a socket of the request was shut down
        self.connected = False  # a connection was ready to carry the request: it may have been delivered
        self.watched = False  # a connection of the request was seen at all (not so with a stand-in session)
        self._fired = False
        self._socks = {}
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, seconds), self._fire)
        self._timer.daemon = True

    def __enter__(self):
        _DEADLINE.current = self
        self._timer.start()
        return self

    def __exit__(self, *_exc_info):
        self._timer.cancel()
        _DEADLINE.current = None
        with self._lock:
            socks, self._socks = self._socks, None
        for sock in socks.values():
            sock.close()

    @property
    def unconnected(self):
        """The request failed while its connection was being opened (to a proxy, through its CONNECT, or in the
        TLS handshake): nothing of it can have reached Zadig."""
        return self.watched and not self.connected

    def watch(self, sock):
        """Shut ``sock`` down at the deadline, at once if it passed already."""
        self.watched = True
        try:
            number = sock.fileno()
            duplicate = socket.socket(fileno=os.dup(number))
        except (OSError, AttributeError, ValueError):
            return  # closed already (fileno -1), or not a socket
        with self._lock:
            if self._socks is None or number in self._socks:
                duplicate.close()
                return
            self._socks[number] = duplicate
            if self._fired:
                self._shut(duplicate)

    def _fire(self):
        with self._lock:
            self._fired = True
            for sock in (self._socks or {}).values():
                self._shut(sock)

    def _shut(self, sock):
        self.cut = True
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _watch(sock=None, connected=False):
    deadline = getattr(_DEADLINE, 'current', None)
    if deadline is not None:
        if sock is not None:
            deadline.watch(sock)
        if connected:
            deadline.watched = deadline.connected = True


class _WatchedConnection:  # pylint: disable=no-member
    """Mixed into urllib3's connection classes: hands the request's deadline every socket it opens or reuses."""

    def _new_conn(self):
        sock = super()._new_conn()
        _watch(sock)
        return sock

    def connect(self):
        super().connect()
        _watch(connected=True)

    def putrequest(self, *args, **kwargs):
        if self.sock is not None:
            _watch(self.sock, connected=True)
        return super().putrequest(*args, **kwargs)


_WATCHED_POOLS = {}


def _watched_pools(manager):
    """Make a urllib3 pool manager build pools whose connections hand their sockets to the request's deadline:
    plain, TLS, through a proxy (CONNECT or not) or SOCKS alike."""
    classes = getattr(manager, 'pool_classes_by_scheme', None)
    if isinstance(classes, dict):
        manager.pool_classes_by_scheme = {scheme: _watched_pool(pool) for scheme, pool in classes.items()}


def _watched_pool(pool):
    if pool not in _WATCHED_POOLS and not getattr(pool, 'zadig_watched', False):
        connection = type('Watched' + pool.ConnectionCls.__name__, (_WatchedConnection, pool.ConnectionCls), {})
        _WATCHED_POOLS[pool] = type('Watched' + pool.__name__, (pool,),
                                    {'ConnectionCls': connection, 'zadig_watched': True})
    return _WATCHED_POOLS.get(pool, pool)


def watched_adapter():
    """requests' adapter, its pools' connections watched by the request's deadline (``Deadline``)."""

    class Adapter(requests.adapters.HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            _watched_pools(self.poolmanager)

        def proxy_manager_for(self, proxy, **proxy_kwargs):
            manager = super().proxy_manager_for(proxy, **proxy_kwargs)
            _watched_pools(manager)
            return manager

    return Adapter()
