"""The compiled part of the package: Cython modules, built by ``pip install``."""

from Cython.Build import cythonize
from setuptools import Extension, setup

setup(ext_modules=cythonize(
    [Extension("boilerstrip.model._forest", ["boilerstrip/model/_forest.pyx"]),
     Extension("boilerstrip.features._line_counts", ["boilerstrip/features/_line_counts.pyx"]),
     Extension("boilerstrip.features._context", ["boilerstrip/features/_context.pyx"]),
     Extension("boilerstrip.rendering._walk", ["boilerstrip/rendering/_walk.pyx"])],
    compiler_directives={"language_level": 3}))
