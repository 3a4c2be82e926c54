"""German for data-parallel training on Ray (engine/distributed.py) and its CLI options."""
from . import add

add("de", {
    "needs Ray, which is not installed": "braucht Ray, das nicht installiert ist",
    'install the scale extra: pip install -e ".[scale]" (or pip install "ray[train,tune]")':
        'installiere das Extra „scale“: pip install -e ".[scale]" (oder pip install "ray[train,tune]")',
    "must be a whole number of at least 1": "muss eine ganze Zahl von mindestens 1 sein",
    "use --workers 2 for two worker processes": "nimm --workers 2 für zwei Worker-Prozesse",
    "no Ray cluster answered at {address}: {error}": "unter {address} hat kein Ray-Cluster geantwortet: {error}",
    "start one with `ray start --head` on that machine, or leave --address out to train on this machine":
        "starte dort einen mit `ray start --head`, oder lass --address weg, um auf diesem Rechner zu trainieren",
    "{workers} workers need {cpu:g} CPUs and {gpu:g} GPUs, but the cluster has {have_cpu:g} CPUs and "
    "{have_gpu:g} GPUs":
        "{workers} Worker brauchen {cpu:g} CPUs und {gpu:g} GPUs, aber der Cluster hat {have_cpu:g} CPUs und "
        "{have_gpu:g} GPUs",
    "use fewer workers, fewer CPUs per worker (--resources-per-worker cpu=1), or add machines to the cluster":
        "nimm weniger Worker, weniger CPUs je Worker (--resources-per-worker cpu=1) oder füge dem Cluster "
        "Rechner hinzu",
    "knows cpu and gpu only, not {names}": "kennt nur cpu und gpu, nicht {names}",
    "write it as cpu=1,gpu=0": "schreibe es als cpu=1,gpu=0",
    "a data-parallel run cannot pause": "ein datenparalleler Lauf kann nicht pausieren",
    "stop it and continue it later": "stoppe ihn und setze ihn später fort",
    "A training worker was lost, so the data-parallel run stopped: {error}":
        "Ein Trainings-Worker ist ausgefallen, darum wurde der datenparallele Lauf beendet: {error}",
    "Train again; if a machine left the cluster, use fewer workers":
        "Trainiere noch einmal; hat ein Rechner den Cluster verlassen, nimm weniger Worker",
    "cannot be combined with --workers": "lässt sich nicht mit --workers verbinden",
    "continue the run on this machine (without --workers), or start a new one":
        "setze den Lauf auf diesem Rechner fort (ohne --workers) oder starte einen neuen",
    "is a Ray client address, which Ray advises against for Train and Tune":
        "ist eine Ray-Client-Adresse, von der Ray für Train und Tune abrät",
    "give the head's cluster address instead, for example {host}:6379":
        "gib stattdessen die Cluster-Adresse des Head-Rechners an, zum Beispiel {host}:6379",
    "cannot read {part!r}": "kann {part!r} nicht lesen",
})
