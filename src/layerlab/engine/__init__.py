"""Build, training loop, metrics, events, checkpoints and executors.

    build.py        spec -> Network (forward = probabilities, logits for the loss)
    events.py       typed, past-tense run events (RunStarted ... RunFailed) with to_dict()
    runner.py       Runner: submits runs; Run handles (subscribe, pause, stop, wait, position)
    scheduler.py    N runs at once, one per user while others wait, time slices, stop/kill, crashes
    worker.py       the worker processes runs train in, and the messages between them and the server
    datacache.py    prepared datasets on disk, read by the worker processes
    loop.py         Trainer: one run segment (epochs, metrics, best/early stopping)
    endings.py      how a run segment ends (finished, yielded, stopped, failed) and its Outcome
    checkpointer.py end-of-epoch snapshots written in the background
    recording.py    per-epoch records for the inspect views (a run's inspect.json)
    measure.py      measuring a network without changing it (layer walk, per-example loss, histograms)
    distributed.py  data-parallel runs on Ray Train (the driver); data_parallel.py: what each worker runs
    losses.py, optimizers.py, metrics.py, schedules.py   the catalog names -> implementations
    setup.py        device, threads, class weights, augmentation
    diagnose.py     failures in plain words (NaN, shapes, data, memory)
    facade.py       Project.train / continue_run / runs / load_run / predict
"""
