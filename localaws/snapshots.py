"""Named snapshots of every account's resources, restored in place.

A test (or a user trying the collection) builds a lab once, saves it, and goes back to it in about a
second, where a teardown playbook takes tens of seconds and a rebuild a minute. A snapshot holds a
deep copy of every moto backend's state (each service, account and region in use); restoring puts a
fresh copy of it back into the same backend objects, so every reference moto keeps to a backend stays
valid, and drops the backends first used after the snapshot. The call log, fault rules, IAM
enforcement and STS's issued credentials are not part of it: they belong to the session, not to the
accounts, and a client holding credentials assumed after a snapshot keeps working across a restore.

Requests and snapshots take STATE_LOCK in turn, so a snapshot never sees half a request.

A saved snapshot can be written to a file and read back under a name, by this server or another one
(of the same localaws and moto): a lab built once serves a second server, or a restarted one. In the
file each backend is named by (service, account, region) and found or made again on reading, so the
state read back refers to the reading server's own backends, as a restore needs; moto's public images
go in by value (their backing snapshots' ids differ from one server to the next). The file is a
pickle: read only files a local AWS of yours wrote.
"""

import copy
import os
import pickle
import threading

STATE_LOCK = threading.RLock()
_LOCK_TYPES = (type(threading.Lock()), type(threading.RLock()))
# Issued credentials: STS's sessions, and the temporary keys moto keeps with IAM's access keys.
SESSION_SERVICES = frozenset({"sts"})
SESSION_ATTRIBUTES = ("access_keys",)


def _live_backends():
    from moto.core.base_backend import BackendDict

    for services in list(BackendDict._instances):  # pylint: disable=protected-access
        if services.service_name in SESSION_SERVICES:
            continue
        for account, regions in list(services.items()):
            for region, backend in list(regions.items()):
                yield services, account, region, backend


def _catalogue(backends):
    """The public images moto ships in every EC2 backend (about 1,300 AMIs and their EBS snapshots,
    owned by other accounts): shared by snapshots, not copied, as nothing here changes them. A
    restore still brings back the set of images each account sees, not changes made inside one."""
    for backend in backends:
        for kind in ("amis", "snapshots"):
            for item in (backend.__dict__.get(kind) or {}).values():
                if getattr(item, "owner_id", None) not in (None, getattr(backend, "account_id", None)):
                    yield item


def _copy(state, backends):
    """A deep copy of ``state`` in which backends (and locks) stay themselves: only their data is copied."""
    memo = {id(backend): backend for backend in backends}
    memo.update((id(item), item) for item in _catalogue(backends))
    saved = {t: copy._deepcopy_dispatch.get(t) for t in _LOCK_TYPES}  # pylint: disable=protected-access
    try:
        for lock_type in _LOCK_TYPES:  # a lock is not data: the copy gets a lock of its own
            copy._deepcopy_dispatch[lock_type] = lambda lock, _memo: type(lock)()  # pylint: disable=protected-access
        return copy.deepcopy(state, memo)
    finally:
        for lock_type, dispatcher in saved.items():
            if dispatcher is None:
                copy._deepcopy_dispatch.pop(lock_type, None)  # pylint: disable=protected-access
            else:
                copy._deepcopy_dispatch[lock_type] = dispatcher  # pylint: disable=protected-access


class Snapshots:
    def __init__(self):
        self._saved = {}

    def save(self, name):
        with STATE_LOCK:
            live = list(_live_backends())
            backends = [backend for *_where, backend in live]
            data = _copy([backend.__dict__ for backend in backends], backends)
            self._saved[name] = [(services, account, region, backend, state)
                                 for (services, account, region, backend), state in zip(live, data)]
        return {"name": name, "backends": len(live)}

    def restore(self, name):
        if name not in self._saved:
            raise ValueError(f"no snapshot named {name!r} (saved: {sorted(self._saved)})")
        with STATE_LOCK:
            entries = self._saved[name]
            kept = {id(backend) for _s, _a, _r, backend, _state in entries}
            live = list(_live_backends())
            backends = [backend for *_where, backend in live] + [backend for _s, _a, _r, backend, _state in entries]
            data = _copy([state for *_where, state in entries], backends)
            for (services, account, region, backend, _state), state in zip(entries, data):
                for name in SESSION_ATTRIBUTES:
                    if isinstance(state.get(name), dict) and isinstance(backend.__dict__.get(name), dict):
                        state[name].update(backend.__dict__[name])  # keys issued since stay valid
                backend.__dict__.clear()
                backend.__dict__.update(state)
                if dict.get(services[account], region) is not backend:  # dropped by another restore since
                    dict.__setitem__(services[account], region, backend)
            dropped = 0
            for services, account, region, backend in live:
                if id(backend) in kept or dict.get(services[account], region) is not backend:
                    continue  # restored, or in its place now the snapshot's own backend (a restore dropped it, a request made another)
                dropped += 1
                issued = {name: backend.__dict__[name] for name in SESSION_ATTRIBUTES if backend.__dict__.get(name)}
                if not issued:  # first used after the snapshot: made anew when next asked for
                    dict.__delitem__(services[account], region)
                    continue
                fresh = type(backend)(region, account_id=account)  # as new, but with the keys issued since
                fresh.__dict__.update(issued)
                backend.__dict__.clear()
                backend.__dict__.update(fresh.__dict__)
        return {"name": name, "restored": len(entries), "dropped": dropped}

    def export(self, name, path):
        """Write the saved snapshot ``name`` to the file ``path`` (written whole, then renamed into place)."""
        if name not in self._saved:
            raise ValueError(f"no snapshot named {name!r} (saved: {sorted(self._saved)})")
        entries = self._saved[name]
        with STATE_LOCK:
            named = {id(backend): ("backend", services.service_name, account, region) for services, account, region, backend in _live_backends()}
            named.update((id(backend), ("backend", services.service_name, account, region)) for services, account, region, backend, _s in entries)
            partial = f"{path}.partial"
            with open(partial, "wb") as stream:
                _Writer(stream, named).dump([(services.service_name, account, region, state)
                                             for services, account, region, _backend, state in entries])
        os.replace(partial, path)
        return {"name": name, "path": str(path), "backends": len(entries)}

    def load(self, name, path):
        """Read the file ``path`` (written by ``export``) as the saved snapshot ``name``, to restore as any other."""
        with STATE_LOCK:
            with open(path, "rb") as stream:
                stored = _Reader(stream).load()
            self._saved[name] = [(_services(service), account, region, _backend(service, account, region), state)
                                 for service, account, region, state in stored]
        return {"name": name, "path": str(path), "backends": len(stored)}

    def names(self):
        return sorted(self._saved)

    def delete(self, name):
        return self._saved.pop(name, None) is not None


def _services(service):
    from moto.backends import get_backend

    return get_backend(service)


def _backend(service, account, region):
    return _services(service)[account][region]  # made if this server has not used it yet


class _Writer(pickle.Pickler):
    """Backends and locks go into the file by name, everything else by value."""

    def __init__(self, stream, named):
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.named = named

    def persistent_id(self, obj):  # pylint: disable=method-hidden
        if isinstance(obj, _LOCK_TYPES):
            return ("lock", isinstance(obj, type(threading.RLock())))
        return self.named.get(id(obj))


class _Reader(pickle.Unpickler):
    def persistent_load(self, pid):
        if pid[0] == "lock":
            return threading.RLock() if pid[1] else threading.Lock()
        if pid[0] == "backend":
            return _backend(*pid[1:])
        raise pickle.UnpicklingError(f"unknown reference {pid!r} in a localaws snapshot file")


SNAPSHOTS = Snapshots()
