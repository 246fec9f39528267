"""The sandbox side of grading: runs inside bubblewrap, never imports nbgrader (a test says so).

    __main__.py     the sandbox's root process: imports the libraries once, forks a child per run,
                    relays the grader's requests and the child's answers, reports a child's death
    child.py        one run: a notebook's cells, or the clean re-check's definitions, and the calls
                    the grader makes to the student's functions (values cross as nettrain_grading.wire)
    definitions.py  which statements of a cell define something (pure syntax-tree rules)
    guards.py       changes to numpy, nettrain_lib, builtins and sys made by the definitions (advisory)
"""
