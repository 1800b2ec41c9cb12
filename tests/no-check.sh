#!/bin/sh
# Stands in for the test suite when configure did not find the check library.
echo "make check needs the check unit-test library: install it (Debian: apt-get install check) and run ./configure again." >&2
exit 99
