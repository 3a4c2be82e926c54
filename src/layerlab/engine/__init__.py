"""Build, training loop, metrics, events, checkpoints and executors.

    build.py        spec -> Network (forward = probabilities, logits for the loss)
    events.py       typed, past-tense run events (RunStarted ... RunFailed) with to_dict()
    runner.py       Runner: submits runs; Run handles (subscribe, pause, stop, wait, position)
    scheduler.py    N runs at once, one per user while others wait, time slices, stop/kill, crashes
    worker.py       the worker processes runs train in, and the messages between them and the server
    datacache.py    prepared datasets on disk, read by the worker processes
    loop.py         Trainer: one run segment (epochs, metrics, best/early stopping, failures)
    checkpointer.py end-of-epoch snapshots written in the background
    losses.py, optimizers.py, metrics.py, schedules.py   the catalog names -> implementations
    setup.py        device, threads, class weights, augmentation
    diagnose.py     failures in plain words (NaN, shapes, data, memory)
    facade.py       Project.train / continue_run / runs / load_run / predict
"""
