"""Changes to numpy, nettrain_lib, builtins and the sys hooks made by the student's definitions.

Advisory only: the verdicts are decided outside the sandbox, so a change here can alter nothing but
the student's own answers. It is reported to the instructor as a flag (and undone, so that the
definitions that follow run against the modules the course wrote).
"""
import sys
import types


def watched_modules():
    """Modules whose attributes a test relies on: numpy (all of it), nettrain_lib, builtins, math."""
    return sorted(name for name, module in sys.modules.items()
                  if module is not None and (name.split(".")[0] in ("numpy", "nettrain_lib", "nettrain_grading")
                                             or name in ("builtins", "math")))


def snapshot_modules(names=None):
    """Every attribute of the watched modules, and the code of every Python function in them, so
    that monkeypatching (f = ..., or f.__code__ = ...) shows up; plus the sys hooks."""
    snapshot = {}
    for name in names or watched_modules():
        for attribute, value in list(vars(sys.modules[name]).items()):
            snapshot[name, attribute] = value
            if isinstance(value, types.FunctionType):
                snapshot[name, attribute, "<code>"] = (value.__code__, value.__defaults__, value.__kwdefaults__)
    for hook in ("excepthook", "displayhook", "stdout", "stderr"):
        snapshot["sys", hook] = getattr(sys, hook)
    snapshot["sys", "<profile>"] = sys.getprofile()
    snapshot["sys", "<trace>"] = sys.gettrace()
    snapshot["sys", "<modules>"] = {name: sys.modules[name] for name in watched_modules()}
    return snapshot


def changes_since(snapshot):
    """Names of watched things that were replaced, added or deleted since `snapshot`; undoes them."""
    changed = []
    for name, module in snapshot["sys", "<modules>"].items():   # modules imported since are not checked
        if sys.modules.get(name) is not module:
            changed.append(f"sys.modules[{name!r}]")
            sys.modules[name] = module
    current = snapshot_modules([name for name in snapshot["sys", "<modules>"] if name in sys.modules])
    for key in snapshot:                          # replaced or deleted; a new name changes nothing
        if key[0] == "sys" and (key[1].startswith("<") or key[1] in ("stdout", "stderr")):
            continue
        before, after = snapshot[key], current.get(key, changed)
        if len(key) == 3:
            if after is not changed and before is not changed and before != after:
                changed.append(f"{key[0]}.{key[1]}.__code__")
                function = vars(sys.modules[key[0]])[key[1]]
                function.__code__, function.__defaults__, function.__kwdefaults__ = before
            continue
        if before is not after:
            changed.append(f"{key[0]}.{key[1]}")
            setattr(sys if key[0] == "sys" else sys.modules[key[0]], key[1], before)
    if sys.getprofile() is not snapshot["sys", "<profile>"]:
        changed.append("sys.setprofile")
        sys.setprofile(snapshot["sys", "<profile>"])
    if sys.gettrace() is not snapshot["sys", "<trace>"]:
        changed.append("sys.settrace")
        sys.settrace(snapshot["sys", "<trace>"])
    return sorted(set(changed))
