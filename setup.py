"""The optional compiled part of the package (see claims/speedups.py), built with Cython when a C
compiler is there; without one the install goes on and the pure-Python code runs.

Two kinds of extension:
- ``claims._speedups``: the hand-written kernel (claims/_speedups.pyx), beside its Python reference;
- compiled copies of the extraction modules (claims/pipeline/**.py and the cue model) and of the
  store's bulk load (claims file, person linking, grouping: the writer a load waits for), built from
  the same .py files into ``claims/_compiled/`` with a manifest of their sources' digests. They
  never stand beside their sources, so an edited .py is what runs (claims.speedups loads a copy
  only while its source is the one it was built from; the kernel's digest is in the manifest too).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
COMPILED_DIR = ("claims", "_compiled")
KERNEL_SOURCE = "claims/_speedups.pyx"


def _digest(source: str) -> str:
    """The SHA-256 of a source file, as the manifest records it (claims.speedups checks it)."""
    return hashlib.sha256((ROOT / source).read_bytes()).hexdigest()


def _sources() -> list[str]:
    """The modules compiled as copies: the extraction pipeline, its frames, the cue model, bulk load."""
    found = sorted(ROOT.glob("claims/pipeline/*.py")) + sorted(ROOT.glob("claims/pipeline/frames/*.py"))
    found += [ROOT / "claims/learn/cuemodel.py", ROOT / "claims/learn/features.py"]
    # a bulk load: reading the claims file, linking speakers to persons, grouping (half the writer)
    found += [ROOT / f"claims/store/{name}.py" for name in ("extracted", "linking", "grouping", "bulk")]
    return [p.relative_to(ROOT).as_posix() for p in found if p.name != "__init__.py"]


def _extensions() -> list[Extension]:
    kernel = Extension("claims._speedups", [KERNEL_SOURCE], optional=True)
    try:
        from Cython.Build import cythonize
    except ImportError:  # built without Cython (no build isolation): pure Python only
        return []
    copies = [Extension(src[:-3].replace("/", "."), [src], optional=True) for src in _sources()]
    exts = cythonize(
        [kernel, *copies],
        compiler_directives={"language_level": 3},
        build_dir="build/cython",  # the generated C stays out of the package
        nthreads=os.cpu_count() or 1,
        quiet=True,
    )
    for ext in exts:
        ext.optional = True  # a module that does not compile stays pure Python
    return exts


class BuildExt(build_ext):
    """Puts the compiled copies under claims/_compiled/ (in the build folder, and in the source
    tree for an editable install) and writes their manifest there."""

    def finalize_options(self) -> None:
        super().finalize_options()
        if self.parallel is None:
            self.parallel = os.cpu_count() or 1  # twenty modules: compile them on every core

    def _copy_path(self, ext_name: str, base: str) -> str:
        return os.path.join(base, *COMPILED_DIR, self.get_ext_filename(ext_name))

    def get_ext_fullpath(self, ext_name: str) -> str:
        if ext_name == "claims._speedups":
            return super().get_ext_fullpath(ext_name)
        return self._copy_path(ext_name, "" if self.inplace else self.build_lib)

    def run(self) -> None:
        super().run()  # builds into build_lib; copies only the kernel in place (setuptools' own rule)
        base = "" if self.inplace else self.build_lib
        out = Path(base).joinpath(*COMPILED_DIR)
        modules = {}
        for ext in self.extensions:
            if ext.name == "claims._speedups":
                continue
            built = Path(self._copy_path(ext.name, self.build_lib))
            if not built.exists():
                continue  # a copy that failed to compile is left out: its .py runs
            if self.inplace:
                target = Path(self._copy_path(ext.name, ""))
                target.parent.mkdir(parents=True, exist_ok=True)
                self.copy_file(str(built), str(target), level=self.verbose)
                built = target
            source = ext.name.replace(".", "/") + ".py"
            modules[ext.name] = {
                "file": built.relative_to(out).as_posix(),
                "source": source,
                "sha256": _digest(source),
            }
        manifest: dict = {"modules": modules}
        if Path(super().get_ext_fullpath("claims._speedups")).exists():
            manifest["kernel"] = {"source": KERNEL_SOURCE, "sha256": _digest(KERNEL_SOURCE)}
        out.mkdir(parents=True, exist_ok=True)
        (out / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")


setup(ext_modules=_extensions(), cmdclass={"build_ext": BuildExt})
