"""The grader's side of the sandbox wall: start a sandbox, run cells in it, run test cells out here.

A test cell never enters the sandbox. It runs in this process, in a namespace where the name of the
function under test is a `RemoteFunction`: calling it sends the arguments into the sandbox as plain
data (nettrain_grading.wire), the student's function runs there, and its answer comes back as plain
data. Every comparison, tolerance and message of the test is computed here, with the course's code,
so nothing the student's code does inside (patching json, builtins, numpy or the test's helpers,
walking frames) can change a verdict: at most it changes its own answers.

    channel = Channel(argv, env, cwd, limits)     # one sandbox (channel.py): its root process
    run = Run(channel, limits)                    # one child in it: one lesson's notebook or re-check
    run.start("clean", setup)
    record = run.cell(source, label, exercise)    # outputs of a cell run inside
    record = run.test(source, grade_id, function) # a test cell run here, calling into the child
"""
import builtins
import contextlib
import io
import sys
import time
import warnings

import numpy as np

from . import wire
from .channel import Stopped

TEST_DATA_BYTES = 256 * 2**20     # what one test cell may receive from the sandbox in all (a generator
                                  # that yields 60 MB arrays for ever fills this process otherwise)


def show_warning(message, category, filename, lineno, file=None, line=None):
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


class RemoteFunction:
    """A student's function, seen from a test cell: calling it runs it in the sandbox."""

    def __init__(self, run, name, handle=None):
        self._run, self._handle = run, handle
        self.__name__ = self.__qualname__ = name

    def _tree(self):
        return {"t": "name", "name": self.__name__} if self._handle is None else {"t": "function", "id": self._handle}

    def __call__(self, *args, **kwargs):
        return self._run.call(self._tree(), args, kwargs)

    def __repr__(self):
        return f"<function {self.__name__}>"


class RemoteIterator:
    """An iterator the student's function returned (not a generator): each next() is a round trip."""

    def __init__(self, run, handle):
        self._run, self._handle = run, handle

    def __iter__(self):
        return self

    def __next__(self):
        return self._run.next(self._handle)


def remote_generator(run, handle):
    while True:
        try:
            item = run.next(handle)
        except StopIteration:
            return
        yield item


class TestScope:
    """What one test cell has sent into the sandbox, and what the sandbox has sent back."""

    def __init__(self, deadline):
        self.deadline = deadline
        self.number = 0
        self.objects, self.callbacks, self.rngs, self.handles = {}, {}, {}, {}
        self.reference_used = []
        self.received_at = 0            # the channel's byte count when the test began

    def new_id(self):
        self.number += 1
        return self.number


class Run:
    """One child in the sandbox: a lesson's notebook run, or its clean re-check."""

    def __init__(self, channel, limits):
        self.channel, self.limits = channel, limits
        self.scope = TestScope(channel.deadline)

    # -- the exchange --------------------------------------------------------------------------
    def request(self, message, deadline):
        self.channel.send(message, deadline)
        while True:
            reply = self.channel.receive(deadline + self.limits["kill_grace"])
            if self.channel.received - self.scope.received_at > TEST_DATA_BYTES:
                raise Stopped("flood", f"the code under test sent back more than {TEST_DATA_BYTES // 2**20} MB")
            if reply["op"] == "died":
                raise Stopped("crashed", f"the process running it died ({wire.cut(str(reply.get('why')), 100)})")
            if reply["op"] == "callback":
                self.answer_callback(reply, deadline)
                continue
            return reply

    def kill(self):
        """End the child after a time limit; the sandbox answers `died`."""
        try:
            grace = self.limits["kill_grace"]
            self.channel.send({"op": "kill"}, time.monotonic() + grace)
            while self.channel.receive(time.monotonic() + grace)["op"] != "died":
                pass
        except Stopped:
            self.channel.close()

    # -- values out and in ---------------------------------------------------------------------
    def encoder(self, memo):
        scope = self.scope

        def handle(value):
            if id(value) in memo:
                return {"t": "ref", "id": memo[id(value)]}
            if isinstance(value, np.random.Generator):
                for number, rng in scope.rngs.items():
                    if rng is value:
                        return {"t": "rng", "id": number, "state": wire.rng_state(value)}
                number = scope.new_id()
                scope.rngs[number] = value
                from nettrain_lib.checks import RecordingGenerator
                return {"t": "rng", "id": number, "state": wire.rng_state(value),
                        "recording": isinstance(value, RecordingGenerator)}
            if isinstance(value, RemoteFunction):
                return value._tree()
            if isinstance(value, RemoteIterator):
                return {"t": "iterator", "id": value._handle}
            if isinstance(value, wire.Opaque):
                return {"t": "opaque", "type": value.type_name, "repr": value.text}
            if callable(value) and not isinstance(value, (type, np.ndarray)):
                number = scope.new_id()
                scope.callbacks[number] = value
                return {"t": "callback", "id": number, "name": getattr(value, "__name__", "function")}
            return None

        def register(value):
            number = scope.new_id()
            scope.objects[number] = value
            memo[id(value)] = number
            return number

        return wire.Encoder(handle, register)

    def decoder(self):
        scope = self.scope

        def resolve(tree):
            kind, number = tree["t"], tree.get("id")
            if kind == "ref" and number in scope.objects:
                return scope.objects[number]
            if kind == "rng":
                if number in scope.rngs:
                    return scope.rngs[number]
                return wire.new_rng(tree.get("state"))
            if kind == "callback" and number in scope.callbacks:
                return scope.callbacks[number]
            if kind == "function" and type(number) is int:
                return RemoteFunction(self, wire.cut(str(tree.get("name", "function")), 100), number)
            if kind == "iterator" and type(number) is int:
                return remote_generator(self, number) if tree.get("generator") else RemoteIterator(self, number)
            raise wire.ProtocolError(f"a {kind} the grader did not send")

        return wire.Decoder(resolve)

    def rng_states(self):
        return {str(number): wire.rng_state(rng) for number, rng in self.scope.rngs.items()}

    def apply(self, reply):
        """Outputs, warnings, in-place changes and generator states that came with an answer."""
        decoder = self.decoder()
        sys.stdout.write(str(reply.get("stdout", ""))[:wire.TEXT_LIMIT])
        sys.stderr.write(str(reply.get("stderr", ""))[:wire.TEXT_LIMIT])
        for caught in reply.get("warnings", [])[:50]:
            category = getattr(builtins, str(caught.get("category")), None)
            if not (isinstance(category, type) and issubclass(category, Warning)):
                category = UserWarning
            warnings.warn_explicit(wire.cut(str(caught.get("message", "")), 1_000), category, "<student code>", 0)
        for key, tree in dict(reply.get("changed", {})).items():
            target = self.scope.objects.get(int(key))
            value = decoder.decode(tree)
            if isinstance(target, np.ndarray) and isinstance(value, np.ndarray):
                if target.shape == value.shape and target.flags.writeable:
                    np.copyto(target, value, casting="unsafe")
            elif isinstance(target, list) and isinstance(value, list):
                target[:] = value
            elif isinstance(target, dict) and isinstance(value, dict):
                target.clear()
                target.update(value)
        self.sync_generators(reply, decoder)

    def sync_generators(self, reply, decoder):
        """The states of the generators the grader sent, as they are inside now, and the permutations a
        RecordingGenerator recorded inside since the last answer."""
        for key, state in dict(reply.get("rngs", {})).items():
            rng = self.scope.rngs.get(int(key))
            if rng is not None:
                wire.set_rng_state(rng, state)
        for key, orders in dict(reply.get("orders", {})).items():
            rng = self.scope.rngs.get(int(key))
            if hasattr(rng, "orders"):                    # a RecordingGenerator: what it recorded inside,
                for order in list(orders)[:10_000]:         # kept only if it is a permutation, as it checks
                    rng._keep(decoder.decode(order))

    def answer(self, reply):
        if reply["op"] in ("return", "raise", "stop"):
            self.apply(reply)
        if reply["op"] == "return":
            return self.decoder().decode(reply.get("value"))
        if reply["op"] == "stop":
            raise StopIteration
        if reply["op"] == "raise":
            error = reply.get("error") or {}
            types = [str(name) for name in error.get("types", [])]
            if "CellTimeout" in types:
                raise Stopped("timeout-inside", wire.cut(str(error.get("message", "")), 300))
            if "ReferenceUnavailable" in types:
                self.scope.reference_used.append(wire.cut(str(error.get("message", "")), 300))
            raise wire.rebuilt_error(error)
        raise Stopped("broken", f"an answer of kind {wire.cut(reply['op'], 40)!r} to a call")

    def call(self, target, args, kwargs):
        memo = {}
        encoder = self.encoder(memo)
        message = {"op": "call", "target": target, "args": [encoder.encode(arg) for arg in args],
                   "kwargs": [[str(key), encoder.encode(value)] for key, value in kwargs.items()],
                   "rngs": self.rng_states(), "seconds": self.seconds_left()}
        return self.answer(self.request(message, self.scope.deadline))

    def next(self, handle):
        message = {"op": "next", "id": handle, "rngs": self.rng_states(), "seconds": self.seconds_left()}
        return self.answer(self.request(message, self.scope.deadline))

    def seconds_left(self):
        return max(1, int(self.scope.deadline - time.monotonic()))

    def answer_callback(self, message, deadline):
        function = self.scope.callbacks.get(message.get("id"))
        try:
            if function is None:
                raise wire.ProtocolError("a callback the grader did not send")
            decoder = self.decoder()
            # A generator passed on to the callback (a course function of checks.substituted drawing from
            # the student's rng) continues from where the student's code left it, and goes back advanced.
            self.sync_generators(message, decoder)
            args = [decoder.decode(arg) for arg in list(message.get("args", []))]
            kwargs = {str(key): decoder.decode(value) for key, value in list(message.get("kwargs", []))}
            value = function(*args, **kwargs)
            reply = {"op": "callback_return", "value": self.encoder({}).encode(value)}
        except (Stopped, KeyboardInterrupt):
            raise
        except BaseException as exc:                 # noqa: BLE001 -- the callback's own error goes back in
            reply = {"op": "callback_raise", "error": wire.error_tree(exc)}
        reply["rngs"] = self.rng_states()
        self.channel.send(reply, deadline)

    # -- substitution (checks.substituted) ----------------------------------------------------
    def substitute(self, functions):
        encoder = self.encoder({})
        names = [[name, encoder.encode(value)] for name, value in functions.items()]
        self.request({"op": "substitute", "names": names}, self.scope.deadline)

    def restore(self):
        self.request({"op": "restore"}, self.scope.deadline)

    # -- cells and tests -----------------------------------------------------------------------
    def start(self, mode, setup=""):
        reply = self.request({"op": "start", "mode": mode, "setup": setup},
                             time.monotonic() + self.limits["cell_timeout"] + 30)
        return reply.get("note")

    def cell(self, source, label, exercise):
        deadline = time.monotonic() + self.limits["cell_timeout"]
        try:
            reply = self.request({"op": "cell", "source": source, "label": label, "exercise": exercise}, deadline)
        except Stopped as stop:
            return self.stopped_record(stop)
        record = reply.get("record")
        return record if isinstance(record, dict) else {"status": "error", "ename": "BadRecord",
                                                         "evalue": "the sandbox sent a malformed result"}

    def test(self, source, grade_id, function):
        """Run one test cell here, with `function` calling into the child; its record."""
        self.scope = TestScope(time.monotonic() + self.limits["cell_timeout"])
        self.scope.received_at = self.channel.received
        namespace = {"__builtins__": builtins, "__name__": "__main__", "__nettrain_remote__": self}
        stdout, stderr = io.StringIO(), io.StringIO()
        error = None
        try:
            if function:
                reply = self.request({"op": "lookup", "name": function}, self.scope.deadline)
                if reply.get("found") and reply.get("callable"):
                    namespace[function] = RemoteFunction(self, function)
                elif reply.get("found"):
                    namespace[function] = self.decoder().decode(reply.get("value"))
            code = compile(source, f"<test {grade_id}>", "exec")
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr), warnings.catch_warnings():
                warnings.simplefilter("default")                  # as in a notebook: shown on stderr
                warnings.showwarning = show_warning
                exec(code, namespace)
        except BaseException as exc:                 # noqa: BLE001 -- a failing test, Stopped, SystemExit...
            error = exc
        reference = list(self.scope.reference_used)
        tampered = []
        if not isinstance(error, Stopped) or error.kind in ("timeout-inside", "flood"):
            self.scope.received_at = self.channel.received
            try:
                ended = self.request({"op": "end_test"}, time.monotonic() + self.limits["kill_grace"] + 5)
                tampered = [wire.cut(str(item), 300) for item in list(ended.get("tampered", []))[:10]]
            except Stopped as stop:
                error = error or stop
        record = {"status": "ok", "stdout": stdout.getvalue()[:wire.TEXT_LIMIT],
                  "stderr": stderr.getvalue()[:wire.TEXT_LIMIT]}
        if isinstance(error, Stopped):
            record.update(self.stopped_record(error))
        elif error is not None:
            record.update({"status": "error", "ename": type(error).__name__, "evalue": wire.cut(str(error), 2_000),
                           "traceback": getattr(error, "student_traceback", "")})
        if reference:
            record["reference"] = reference[:3]
        if tampered:
            record["tampered"] = tampered
        return record

    def stopped_record(self, stop):
        if stop.kind == "flood":
            return {"status": "error", "ename": "TooMuchData", "evalue": f"{stop}: does it return or yield "
                    "far more than the exercise asks for (an endless generator?)", "stopped": stop.kind}
        if stop.kind in ("timeout", "timeout-inside"):
            if stop.kind == "timeout":
                self.kill()
            return {"status": "timeout", "ename": "Timeout",
                    "evalue": f"this ran longer than the grading time limit ({self.limits['cell_timeout']} s): "
                              "the grader stopped it (an infinite loop?)", "stopped": stop.kind}
        if stop.kind == "crashed":
            return {"status": "crashed", "ename": "ProcessKilled", "stopped": stop.kind,
                    "evalue": f"{stop}: too much memory, or the code ended its own process?"}
        return {"status": "crashed", "ename": "ChannelBroken", "stopped": stop.kind,
                "evalue": f"{stop}: did the code write to the grader's channel?"}
