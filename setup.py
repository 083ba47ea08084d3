"""The optional compiled part of the package (see claims/speedups.py): built with Cython when a C
compiler is there; without one the install goes on and the pure-Python code runs."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("claims._speedups", ["claims/_speedups.pyx"], optional=True)])
