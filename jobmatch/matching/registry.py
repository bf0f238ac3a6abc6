"""The model store under JOBMATCH_MODEL_DIR, and the model a process serves.

Each version is ``ranker-vNNNN.joblib`` (the pipeline and its calibration) beside
``ranker-vNNNN.json`` (the model card, with the artifact's sha256 and the library versions it
was trained with) and ``ranker-vNNNN.md`` (the card for people). ``CURRENT`` names the version
being served; it is replaced atomically. A process loads the current version once, and
looks at CURRENT, and at the files of the version it names, at most once a second
(MATCHING_MODEL_CHECK_SECONDS), so that a promotion by any worker, or an artifact replaced in
place, reaches every worker within seconds, without a restart, and is verified again. An
artifact is trusted only if the pointer and its card are readable, its sha256 matches, its
feature list is ours and scikit-learn (major and minor) and numpy (major) are the versions it
was trained with; otherwise the rules ranker
serves, with a logged warning, and the process keeps running.
"""

import fcntl
import hashlib
import json
import logging
import os
import re
import threading
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

import joblib
import numpy as np
import sklearn

from jobmatch.matching.baselines import RulesRanker
from jobmatch.matching.features import FEATURE_NAMES, FEATURES_VERSION
from jobmatch.matching.model import PipelineRanker

logger = logging.getLogger(__name__)
VERSION_PATTERN = re.compile(r"^ranker-v(\d{4,})$")
POINTER = "CURRENT"


class UntrustedModel(Exception):
    """An artifact the server must not load; the message says why."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    import platform

    import joblib as jl
    import scipy

    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "joblib": jl.__version__,
    }


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class ModelStore:
    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def path(self, version: str, suffix: str) -> Path:
        return self.directory / f"{version}.{suffix}"

    def versions(self) -> list[str]:
        if not self.directory.is_dir():
            return []
        names = (p.stem for p in self.directory.glob("ranker-v*.json"))
        return sorted((n for n in names if VERSION_PATTERN.match(n)), key=lambda n: int(n[8:]))

    def current_version(self) -> str | None:
        """The version CURRENT names; None when there is none. Raises UntrustedModel when the
        pointer cannot be read or names nothing a version could be (appended bytes, say)."""
        try:
            raw = (self.directory / POINTER).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise UntrustedModel(f"{POINTER} cannot be read: {error}") from None
        try:
            name = raw.decode("ascii").strip()
        except UnicodeDecodeError:
            raise UntrustedModel(f"{POINTER} is not a version name (unreadable bytes)") from None
        if not name:
            return None
        if not VERSION_PATTERN.match(name):
            raise UntrustedModel(f"{POINTER} names {name[:40]!r}, not a model version")
        return name

    def stamp(self) -> tuple:
        """What changes when the pointer, or the files of the version it names, change."""

        def of(path: Path):
            try:
                stat = path.stat()
            except OSError:
                return None
            return (stat.st_mtime_ns, stat.st_size, stat.st_ino)

        pointer = self.directory / POINTER
        try:
            version = self.current_version()
        except UntrustedModel:
            version = None
        files = (self.path(version, "joblib"), self.path(version, "json")) if version else ()
        return (of(pointer), *(of(f) for f in files))

    @contextmanager
    def locked(self):
        """Serialise writers (two retrains at once) across processes."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def next_version(self) -> str:
        existing = self.versions()
        number = int(existing[-1][8:]) + 1 if existing else 1
        return f"ranker-v{number:04d}"

    def save(self, version: str, payload: dict, card: dict, markdown) -> dict:
        """Write the artifact, then the card holding its hash and size (call under ``locked``)."""
        artifact = self.path(version, "joblib")
        tmp = artifact.with_name(f".{artifact.name}.tmp")
        joblib.dump(payload, tmp, compress=3)
        os.replace(tmp, artifact)
        card["artifact"] = {
            "file": artifact.name,
            "sha256": sha256_of(artifact),
            "bytes": artifact.stat().st_size,
        }
        self.write_card(version, card, markdown)
        return card

    def write_card(self, version: str, card: dict, markdown) -> None:
        text = json.dumps(card, ensure_ascii=False, indent=2, sort_keys=False)
        _atomic_write(self.path(version, "json"), (text + "\n").encode())
        _atomic_write(self.path(version, "md"), markdown(card).encode())

    def set_current(self, version: str) -> None:
        _atomic_write(self.directory / POINTER, (version + "\n").encode())

    def read_card(self, version: str) -> dict:
        try:
            card = json.loads(self.path(version, "json").read_text())
        except (OSError, ValueError) as error:
            raise UntrustedModel(f"model card of {version} cannot be read: {error}") from None
        if not isinstance(card, dict):
            raise UntrustedModel(f"model card of {version} is not a card")
        return card

    def load(self, version: str) -> tuple[PipelineRanker, dict]:
        """Verify, then unpickle. Raises UntrustedModel with the reason when it must not."""
        if not VERSION_PATTERN.match(version):
            raise UntrustedModel(f"{version!r} is not a model version name")
        card = self.read_card(version)
        check_compatible(card)
        artifact = self.path(version, "joblib")
        if not artifact.is_file():
            raise UntrustedModel(f"artifact {artifact.name} is missing")
        expected = card.get("artifact", {}).get("sha256")
        if not expected or sha256_of(artifact) != expected:
            raise UntrustedModel(f"sha256 of {artifact.name} does not match its model card")
        with warnings.catch_warnings():
            # A patch-level scikit-learn difference is accepted (checked above); say so in the log.
            warnings.simplefilter("ignore", sklearn.exceptions.InconsistentVersionWarning)
            payload = joblib.load(artifact)
        payload["version"] = version
        ranker = PipelineRanker(payload)
        probe = np.random.default_rng(0).random((8, len(FEATURE_NAMES))) * 3
        if not ranker.agrees_with_pipeline(probe):
            raise UntrustedModel(f"{version} scores differently from its own pipeline")
        return ranker, card


def check_compatible(card: dict) -> None:
    features = card.get("features", {})
    if (
        features.get("version") != FEATURES_VERSION
        or tuple(features.get("names", ())) != FEATURE_NAMES
    ):
        raise UntrustedModel("model was trained on other features than this server builds")
    trained = card.get("libraries", {})
    minor = ".".join(sklearn.__version__.split(".")[:2])
    if ".".join(str(trained.get("scikit-learn", "")).split(".")[:2]) != minor:
        raise UntrustedModel(
            f"model needs scikit-learn {trained.get('scikit-learn')}, have {sklearn.__version__}"
        )
    if str(trained.get("numpy", "")).split(".")[0] != np.__version__.split(".")[0]:
        raise UntrustedModel(f"model needs numpy {trained.get('numpy')}, have {np.__version__}")


class ServedModel:
    """The ranker one process serves, re-read when CURRENT changes (checked at most every
    ``check_seconds``). Never raises: an untrusted or missing model means the rules ranker."""

    def __init__(self, directory: str | Path, check_seconds: float = 1.0):
        self.store = ModelStore(directory)
        self.check_seconds = check_seconds
        self.lock = threading.Lock()
        self.ranker = RulesRanker()
        self.version: str | None = None
        self.card: dict | None = None
        self.problem: str | None = None
        self._stamp: tuple | None = None
        self._checked_at = float("-inf")
        self.loads = 0
        self.refresh(force=True)

    @property
    def trusted(self) -> bool:
        return self.version is not None

    def refresh(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._checked_at < self.check_seconds:
            return
        with self.lock:
            self._checked_at = now
            stamp = self.store.stamp()
            if stamp == self._stamp and not force:
                return
            self._stamp = stamp
            try:
                version = self.store.current_version()
            except UntrustedModel as error:
                self._refuse(None, str(error))
                return
            self._load(version)

    def _refuse(self, version: str | None, problem: str) -> None:
        self.loads += 1
        self.ranker, self.version, self.card, self.problem = RulesRanker(), None, None, problem
        logger.warning(
            "matching: refusing model %s (%s); serving the rules ranker", version or "", problem
        )

    def _load(self, version: str | None) -> None:
        self.loads += 1  # whatever follows, results ranked before are stale
        if version is None:
            self.ranker, self.version, self.card = RulesRanker(), None, None
            self.problem = "no version is current (none trained, or none promoted yet)"
            logger.warning(
                "matching: no current model in %s; serving the rules ranker", self.store.directory
            )
            return
        try:
            self.ranker, self.card = self.store.load(version)
            self.version, self.problem = version, None
            logger.info("matching: serving model %s", version)
        except UntrustedModel as error:
            self.ranker, self.version, self.card = RulesRanker(), None, None
            self.problem = str(error)
            logger.warning(
                "matching: refusing model %s (%s); serving the rules ranker", version, error
            )
        except Exception as error:  # noqa: BLE001  (a corrupt pickle can raise anything; we stay up)
            self.ranker, self.version, self.card = RulesRanker(), None, None
            self.problem = f"model {version} could not be loaded ({type(error).__name__})"
            logger.warning("matching: %s; serving the rules ranker", self.problem)
