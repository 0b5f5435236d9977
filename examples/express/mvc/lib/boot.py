"""Mount one sub-app per controller folder, with routes named after what the module defines.

A controller is a folder with an index.py. Its functions `show`, `list_` (a trailing
underscore keeps Python's `list` visible), `edit`, `update`, `create` and `index` become
routes; `before` runs ahead of each of them; `name`, `prefix` and `engine` configure it.
"""

import importlib.util
import inspect
import os

from expresspy import express

# route name -> (method, URL pattern with {name} for the controller's name)
ROUTES = {
    "show": ("get", "/{name}/:{name}_id"),
    "list": ("get", "/{name}s"),
    "edit": ("get", "/{name}/:{name}_id/edit"),
    "update": ("put", "/{name}/:{name}_id"),
    "create": ("post", "/{name}"),
    "index": ("get", "/"),
}

# "reserved" exports
RESERVED = {"name", "prefix", "engine", "before"}


def load_controller(folder):
    """Import `folder/index.py` by its path, as `require(folder)` does."""
    name = "controllers." + os.path.basename(folder).replace("-", "_")
    spec = importlib.util.spec_from_file_location(name, os.path.join(folder, "index.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def exported_functions(obj):
    """The functions the controller module itself defines, in the order it defines them."""
    return [
        (key, value)
        for key, value in vars(obj).items()
        if inspect.isfunction(value) and value.__module__ == obj.__name__
    ]


def boot(parent, options):
    folder = os.path.join(os.path.dirname(__file__), "..", "controllers")
    verbose = options.get("verbose")
    for dir_name in sorted(os.listdir(folder)):
        file = os.path.join(folder, dir_name)
        if not os.path.isdir(file) or dir_name.startswith("__"):
            continue
        if verbose:
            print(f"\n   {dir_name}:")
        obj = load_controller(file)
        name = getattr(obj, "name", None) or dir_name
        prefix = getattr(obj, "prefix", "")
        app = express()

        # allow specifying the view engine
        if getattr(obj, "engine", None):
            app.set("view engine", obj.engine)
        app.set("views", os.path.join(folder, name, "views"))

        # generate routes based
        # on the exported functions
        for key, handler in exported_functions(obj):
            if key in RESERVED:
                continue
            route = key.rstrip("_")
            if route not in ROUTES:
                raise ValueError(f"unrecognized route: {name}.{key}")
            method, url = ROUTES[route]
            url = prefix + url.format(name=name)

            # before middleware support
            before = getattr(obj, "before", None)
            handlers = (before, handler) if before else (handler,)
            getattr(app, method)(url, *handlers)
            if verbose:
                steps = " -> before" if before else ""
                print(f"     {method.upper()} {url}{steps} -> {key}")

        # mount the app
        parent.use(app)
