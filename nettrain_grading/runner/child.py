"""One run inside the sandbox: a notebook's cells, and the calls the grader makes to its functions.

The grader (outside) sends one request at a time and waits for the answer:

    start      the run's kind ("notebook": cells run as in Jupyter; "clean": only the definitions
               of the student's cells, after the course's setup cell)
    cell       run one cell (or load its definitions) and answer with its outputs
    lookup     is NAME defined, and is it a function? (a plain value is sent whole)
    call       call a function of the namespace (or one returned earlier) with these arguments
    next       advance an iterator that a call returned
    substitute / restore    put the course's version of a helper in place of the student's (a test
               grades one function at a time), and put the student's back
    end_test   forget every handle of the test that ended

While a call runs, the student's code may call back a function the grader passed in; the child then
sends `callback` and waits for its value, answering any request that comes meanwhile (a callback
may itself call a student's function). No test code and no expected value ever comes in here.
"""
import builtins
import inspect
import os
import signal

import numpy as np

from .. import wire
from . import definitions, guards
from .cells import Captured, error_record, notebook_shell, student_traceback

STUDENT_FILE = "<student cell {}>"


class Callback:
    """Stands, inside, for a function of the grader's: calling it asks the grader to run it."""

    def __init__(self, child, number, name):
        self._child, self._number = child, number
        self.__name__ = self.__qualname__ = name

    def __call__(self, *args, **kwargs):
        return self._child.callback(self._number, args, kwargs)

    def __repr__(self):
        return f"<function {self.__name__}>"


class Scope:
    """The handles of one test: objects the grader sent (by id), random generators, functions and
    iterators sent out."""

    def __init__(self):
        self.objects, self.snapshots, self.rngs, self.callbacks = {}, {}, {}, {}
        self.handles, self.handle_scope, self.next_handle = {}, {}, 1
        self.recorded = {}                         # rng id -> orders already reported


def snapshot(value):
    if isinstance(value, np.ndarray):
        return (value.shape, value.dtype.str, value.tobytes())
    if isinstance(value, list):
        return [id(item) for item in value], list(value)
    if isinstance(value, dict):
        return [(id(key), id(item)) for key, item in value.items()], dict(value)
    return None


def changed(value, before):
    now = snapshot(value)
    if isinstance(value, np.ndarray):
        return now != before
    return now[0] != before[0]


class Child:
    def __init__(self, rfile, wfd, limits):
        self.rfile, self.wfd, self.limits = rfile, wfd, limits
        self.namespace = {"__name__": "__main__", "__builtins__": builtins}
        self.scope = Scope()
        self.mode = None
        self.shell = None
        self.baseline = None
        self.own = set()
        self.deadline_seconds = limits["cell_timeout"]

    # -- the channel ---------------------------------------------------------------------------
    def send(self, message):
        wire.write_all(self.wfd, wire.dumps(message))

    def receive(self):
        line = self.rfile.readline(wire.MAX_LINE_BYTES + 1)
        if not line:
            os._exit(0)                              # the grader is gone
        return wire.loads(line)

    # -- values --------------------------------------------------------------------------------
    def encoder(self, call_ids=None, refs=True):
        """refs: an object the grader sent goes back as a reference to it (identity kept); a
        callback's arguments go whole (the grader's copy may be older than the child's)."""
        scope = self.scope

        def handle(value):
            for number, obj in scope.objects.items() if refs else ():
                if obj is value:
                    return {"t": "ref", "id": number}
            if isinstance(value, np.random.Generator):
                for number, rng in scope.rngs.items():
                    if rng is value:
                        return {"t": "rng", "id": number}
                return {"t": "rng", "state": wire.rng_state(value)}
            if isinstance(value, Callback):
                return {"t": "callback", "id": value._number}
            if isinstance(value, (str, bytes, list, tuple, dict, np.ndarray, np.generic, range, int, float,
                                  complex)) or value is None:
                return None
            try:
                iterator = hasattr(type(value), "__next__")
                function = callable(value)
            except BaseException:                    # noqa: BLE001
                return None
            if iterator or function:
                number = scope.next_handle
                scope.next_handle += 1
                scope.handles[number] = value
                scope.handle_scope[number] = set(call_ids or ())
                if iterator:
                    return {"t": "iterator", "id": number, "generator": inspect.isgenerator(value)}
                return {"t": "function", "id": number, "name": wire.cut(getattr(value, "__name__", "function"), 100)}
            return None

        return wire.Encoder(handle)

    def decoder(self, call_ids):
        scope = self.scope

        def resolve(tree):
            kind, number = tree["t"], tree.get("id")
            if kind == "ref":
                if number not in scope.objects:
                    raise wire.ProtocolError("a reference to an unknown object")
                return scope.objects[number]
            if kind == "rng":
                if number not in scope.rngs:
                    if tree.get("recording"):
                        from nettrain_lib.checks import RecordingGenerator
                        rng = RecordingGenerator(0)
                        wire.set_rng_state(rng, tree["state"])
                    else:
                        rng = wire.new_rng(tree["state"])
                    scope.rngs[number] = rng
                    scope.recorded[number] = 0
                return scope.rngs[number]
            if kind == "callback":
                if number not in scope.callbacks:
                    scope.callbacks[number] = Callback(self, number, str(tree.get("name", "function"))[:100])
                return scope.callbacks[number]
            if kind == "name":
                name = tree.get("name")
                if name not in self.namespace:
                    raise NameError(f"name {name!r} is not defined")
                return self.namespace[name]
            if kind in ("function", "iterator"):
                if number not in scope.handles:
                    raise wire.ProtocolError("a handle that this test did not create")
                return scope.handles[number]
            raise wire.ProtocolError(f"a value of kind {kind!r} is not accepted here")

        def on_decoded(number, value):
            scope.objects[number] = value
            scope.snapshots[number] = snapshot(value)
            call_ids.add(number)

        return wire.Decoder(resolve, on_decoded)

    def sync_rngs(self, states):
        for key, state in (states or {}).items():
            number = int(key)
            if number in self.scope.rngs:
                wire.set_rng_state(self.scope.rngs[number], state)

    def after_fields(self, call_ids):
        """What changed during a call: the grader's objects changed in place, generator states,
        permutations recorded by a RecordingGenerator."""
        scope, encoder = self.scope, self.encoder()
        changes = {}
        for number in sorted(call_ids):
            value = scope.objects.get(number)
            if value is not None and changed(value, scope.snapshots[number]):
                scope.snapshots[number] = snapshot(value)
                scope.objects.pop(number)            # encode it whole, not as a reference to itself
                changes[str(number)] = encoder.encode(value)
                scope.objects[number] = value
        return {"changed": changes, **self.generator_fields()}

    def generator_fields(self):
        """The generators' states, and the permutations a RecordingGenerator recorded since last sent."""
        scope, encoder = self.scope, self.encoder()
        rngs, orders = {}, {}
        for number, rng in scope.rngs.items():
            rngs[str(number)] = wire.rng_state(rng)
            kept = getattr(rng, "orders", None)
            if isinstance(kept, list) and len(kept) > scope.recorded[number]:
                orders[str(number)] = [encoder.encode(order) for order in kept[scope.recorded[number]:][:10_000]]
                scope.recorded[number] = len(kept)
        return {"rngs": rngs, "orders": orders}

    # -- running student code ------------------------------------------------------------------
    def timed(self, action, seconds):
        """action() under an alarm, with output captured; (value, exception or None, Captured)."""
        value = error = None
        signal.alarm(max(1, int(seconds)))
        with Captured() as captured:
            try:
                value = action()
            except BaseException as exc:             # noqa: BLE001 -- student code may raise anything
                error = exc
            finally:
                signal.alarm(0)
        return value, error, captured

    def answer_call(self, message, action):
        call_ids = set()
        try:
            self.sync_rngs(message.get("rngs"))
            decoder = self.decoder(call_ids)
            prepared = action(decoder, call_ids)
        except (wire.ProtocolError, NameError) as exc:
            return {"op": "raise", "error": wire.error_tree(exc), **self.after_fields(call_ids)}
        value, error, captured = self.timed(prepared, message.get("seconds", self.deadline_seconds))
        reply = {"op": "raise" if error is not None else "return", **captured.fields()}
        if isinstance(error, StopIteration) and message["op"] == "next":
            reply["op"] = "stop"
        elif error is not None:
            reply["error"] = wire.error_tree(error, student_traceback(error))
        else:
            try:
                reply["value"] = self.encoder(call_ids).encode(value)
            except BaseException as exc:             # noqa: BLE001 -- a student object that breaks encoding
                reply = {"op": "raise", "error": wire.error_tree(exc), **captured.fields()}
        reply.update(self.after_fields(call_ids))
        return reply

    def on_call(self, message):
        def prepare(decoder, call_ids):
            target = decoder.decode(message["target"])
            args = [decoder.decode(item) for item in message.get("args", [])]
            kwargs = {str(key): decoder.decode(item) for key, item in message.get("kwargs", [])}
            return lambda: target(*args, **kwargs)
        return self.answer_call(message, prepare)

    def on_next(self, message):
        number = message.get("id")

        def prepare(decoder, call_ids):
            if number not in self.scope.handles:
                raise wire.ProtocolError("next on an iterator this test did not create")
            iterator = self.scope.handles[number]
            call_ids.update(self.scope.handle_scope.get(number, ()))   # what the iterator may still change
            return lambda: next(iterator)
        return self.answer_call(message, prepare)

    def callback(self, number, args, kwargs):
        """The student's code called a function of the grader's: ask for its value, answering
        any request that comes first."""
        encoder = self.encoder(refs=False)
        # The generators go with the call and come back advanced: a course function that the grader runs
        # for the student's code (checks.substituted) draws where the student's code left off.
        self.send({"op": "callback", "id": number, "args": [encoder.encode(arg) for arg in args],
                   "kwargs": [[str(key), encoder.encode(value)] for key, value in kwargs.items()],
                   **self.generator_fields()})
        while True:
            message = self.receive()
            if message["op"] in ("callback_return", "callback_raise"):
                self.sync_rngs(message.get("rngs"))
            if message["op"] == "callback_return":
                return self.decoder(set()).decode(message.get("value"))
            if message["op"] == "callback_raise":
                raise wire.rebuilt_error(message.get("error"))
            self.send(self.dispatch(message))

    def on_lookup(self, message):
        name = message.get("name")
        if name not in self.namespace:
            return {"op": "lookup", "found": False}
        value = self.namespace[name]
        if callable(value):
            return {"op": "lookup", "found": True, "callable": True}
        try:
            return {"op": "lookup", "found": True, "callable": False, "value": self.encoder().encode(value)}
        except BaseException as exc:                 # noqa: BLE001
            return {"op": "lookup", "found": True, "callable": False,
                    "value": {"t": "opaque", "type": type(value).__name__, "repr": wire.cut(str(exc), 200)}}

    def on_substitute(self, message):
        decoder = self.decoder(set())
        saved = {}
        for name, tree in message.get("names", []):
            saved[name] = self.namespace.get(name, _MISSING)
            self.namespace[name] = decoder.decode(tree)
        self.scope.substituted = getattr(self.scope, "substituted", []) + [saved]
        return {"op": "substituted"}

    def on_restore(self, message):
        stack = getattr(self.scope, "substituted", [])
        if stack:
            self.restore(stack.pop())
        return {"op": "restored"}

    def restore(self, saved):
        for name, value in saved.items():
            if value is _MISSING:
                self.namespace.pop(name, None)
            else:
                self.namespace[name] = value

    def on_end_test(self, message):
        for saved in reversed(getattr(self.scope, "substituted", [])):
            self.restore(saved)
        self.scope = Scope()
        tampered = guards.changes_since(self.baseline) if self.baseline is not None else []
        for name in sorted(set(vars(self)) & set(vars(Child))):     # a method replaced on this object
            tampered.append(f"the grader's channel (Child.{name})")
        return {"op": "ended", "tampered": [f"the code under test changed {name}" for name in tampered][:10]}

    # -- cells ---------------------------------------------------------------------------------
    def on_start(self, message):
        self.mode = message["mode"]
        if self.mode == "notebook":
            self.shell = notebook_shell()
            self.namespace = self.shell.user_ns
            self.baseline = guards.snapshot_modules()
            return {"op": "ready"}
        _, error, captured = self.timed(
            lambda: exec(compile(message.get("setup", ""), "<course setup cell>", "exec"), self.namespace),
            self.deadline_seconds)
        self.baseline = guards.snapshot_modules()
        record = {"op": "ready"}
        if error is not None:
            record["note"] = f"the course's setup cell failed: {type(error).__name__}: {wire.cut(str(error), 300)}"
        return record

    def on_cell(self, message):
        if self.mode == "notebook":
            return {"op": "done", "record": self.notebook_cell(message["source"])}
        return {"op": "done", "record": self.load_definitions(message)}

    def notebook_cell(self, source):
        import matplotlib.pyplot as plt
        from IPython.core.interactiveshell import InteractiveShell

        result, error, captured = self.timed(
            lambda: InteractiveShell.run_cell(self.shell, source, store_history=False, silent=False),
            self.deadline_seconds)
        if error is None:
            error = result.error_before_exec or result.error_in_exec
        plt.close("all")
        fields = captured.fields()
        record = {"status": "ok", "stdout": fields["stdout"], "stderr": fields["stderr"]}
        if error is not None:
            record.update(error_record(error))
        return record

    def load_definitions(self, entry):
        """Run the defining statements of one student cell, one at a time; note what was left out."""
        import ast

        label, exercise, notes = entry["label"], entry.get("exercise", False), []
        python = definitions.python_of_cell(entry["source"])
        if python is None:
            return {"status": "ok", "notes": [f"{label}: a cell magic the re-check does not run"]}
        try:
            tree = ast.parse(python)
        except SyntaxError as exc:
            return {"status": "ok", "notes": [f"{label}: syntax error, line {exc.lineno}: {exc.msg}"]}
        for node in tree.body:
            if not definitions.loadable(node, self.own):
                if exercise:
                    notes.append(f"{label}, line {node.lineno}: `{ast.unparse(node)[:60]}` is not run by the re-check")
                continue
            code = compile(ast.Module(body=[node], type_ignores=[]), STUDENT_FILE.format(label), "exec")
            _, error, _ = self.timed(lambda: exec(code, self.namespace), self.deadline_seconds)  # noqa: B023
            if error is not None and exercise:
                notes.append(f"{label}, line {node.lineno}: {type(error).__name__}: {wire.cut(str(error), 200)}")
            self.own |= definitions.bound_names(node)
        tampered = guards.changes_since(self.baseline) if self.baseline is not None else []
        return {"status": "ok", "notes": notes[:20], "tampered": [f"{label} changed {name}" for name in tampered][:10]}

    # -- the loop ------------------------------------------------------------------------------
    HANDLERS = {"start": on_start, "cell": on_cell, "lookup": on_lookup, "call": on_call, "next": on_next,
                "substitute": on_substitute, "restore": on_restore, "end_test": on_end_test}

    def dispatch(self, message):
        handler = self.HANDLERS.get(message["op"])
        if handler is None:
            return {"op": "raise", "error": wire.error_tree(wire.ProtocolError(f"unknown op {message['op']!r}"))}
        try:
            return handler(self, message)
        except wire.ProtocolError as exc:
            return {"op": "raise", "error": wire.error_tree(exc)}

    def serve(self):
        while True:
            self.send(self.dispatch(self.receive()))


_MISSING = object()
