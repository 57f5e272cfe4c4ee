"""The fixture app marks each line a case expects to be reported with ``# site: <name>``."""


def marked_line(path, name):
    """The number of the line that ends with ``# site: <name>``."""
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if line.rstrip().endswith("# site: %s" % name):
                return number
    raise LookupError("no line marked %r in %s" % (name, path))
