"""``python -m expresspy``: the same command line as the ``expresspy`` script."""

from expresspy.cli import main

if __name__ == "__main__":
    main(prog_name="expresspy")
