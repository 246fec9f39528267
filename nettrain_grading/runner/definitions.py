"""Which statements of a student's cell define something, and are run by the clean re-check.

Pure functions of the syntax tree: unit-tested without a sandbox (tests/grading/test_definitions.py).
"""
import ast


def is_main_guard(node):
    """`if __name__ == "__main__":`, a block meant to run, not to define."""
    test = node.test
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__")


def assigns_names_only(target):
    if isinstance(target, ast.Name):
        return True
    if isinstance(target, ast.Starred):
        return assigns_names_only(target.value)
    if isinstance(target, (ast.Tuple, ast.List)):
        return all(assigns_names_only(element) for element in target.elts)
    return False


def root_name(node):
    """`TABLE` for TABLE["a"].b[0]; None when the chain does not start at a plain name."""
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def owned(target, own):
    """An item or attribute of something the student's own cells created (not of a module)."""
    return isinstance(target, (ast.Subscript, ast.Attribute)) and root_name(target) in own


def loadable(node, own):
    """True for a statement that defines something: imports, def, class, NAME = value, filling a
    table or list the student's cells created (TABLE["a"] = ..., LIST.append(...), NAME += ...),
    and try/if/for blocks made of those. False for top-level code that does something else:
    printing, plotting, training, or changing a module (np.allclose = ...). `own` holds the
    names the student's cells have bound so far (never imported modules)."""
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                         ast.Pass)):
        return True
    if isinstance(node, ast.Assign):
        return all(assigns_names_only(target) or owned(target, own) for target in node.targets)
    if isinstance(node, ast.AnnAssign):
        return node.value is not None and (isinstance(node.target, ast.Name) or owned(node.target, own))
    if isinstance(node, ast.AugAssign):
        return (isinstance(node.target, ast.Name) and node.target.id in own) or owned(node.target, own)
    if isinstance(node, ast.Expr):
        value = node.value
        return isinstance(value, ast.Constant) or (                      # a docstring, or LIST.append(...)
            isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and owned(value.func, own))
    if isinstance(node, ast.Try):
        blocks = [node.body, node.orelse, node.finalbody] + [handler.body for handler in node.handlers]
        return all(loadable(child, own) for block in blocks for child in block)
    if isinstance(node, ast.If):
        return not is_main_guard(node) and all(loadable(child, own) for child in node.body + node.orelse)
    if isinstance(node, ast.For):
        inner = own | bound_names(node)
        return assigns_names_only(node.target) and all(loadable(child, inner) for child in node.body + node.orelse)
    return False


def bound_names(node):
    """Names a loadable statement binds by assignment, def or class (imports excluded: a module
    is not the student's to fill)."""
    names = set()
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if assigns_names_only(target):
                names |= {sub.id for sub in ast.walk(target) if isinstance(sub, ast.Name)}
    for field in ("body", "orelse", "finalbody"):
        for child in getattr(node, field, []) if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) else []:
            names |= bound_names(child)
    for handler in getattr(node, "handlers", []):
        for child in handler.body:
            names |= bound_names(child)
    return names


# Cell magics whose body is ordinary Python (the magic only times or captures it).
TRANSPARENT_CELL_MAGICS = {"time", "timeit", "capture", "prun"}


def python_of_cell(source):
    """The Python of a cell for the re-check: cell magics that only time or capture are unwrapped,
    line magics become get_ipython() calls (which are not loaded); None for a non-Python cell."""
    from IPython.core.inputtransformer2 import TransformerManager

    stripped = source.lstrip()
    if stripped.startswith("%%"):
        first, _, rest = stripped.partition("\n")
        magic = first[2:].split()
        if not magic or magic[0] not in TRANSPARENT_CELL_MAGICS:
            return None
        source = rest
    return TransformerManager().transform_cell(source)
