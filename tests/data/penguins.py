"""A penguins-like table (the Palmer penguins' columns and value ranges) for the target tests."""
from __future__ import annotations

import numpy as np
import pandas as pd

SPECIES = {"Adelie": (38.8, 18.3, 190, 3700, "Torgersen"), "Chinstrap": (48.8, 18.4, 196, 3730, "Dream"),
           "Gentoo": (47.5, 15.0, 217, 5076, "Biscoe")}


def penguins(n: int = 90, seed: int = 0) -> pd.DataFrame:
    """n rows: species, island, four measurements, sex (a few missing) and year, as in the original."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        name = list(SPECIES)[i % 3]
        bill, depth, flipper, mass, island = SPECIES[name]
        rows.append({"species": name, "island": island if rng.random() < 0.8 else "Dream",
                     "bill_length_mm": round(bill + rng.normal(0, 1.5), 1),
                     "bill_depth_mm": round(depth + rng.normal(0, 0.6), 1),
                     "flipper_length_mm": int(flipper + rng.normal(0, 4)),
                     "body_mass_g": int(mass + rng.normal(0, 150)),
                     "sex": None if i % 29 == 5 else ("male" if rng.random() < 0.5 else "female"),
                     "year": 2007 + i % 3})
    return pd.DataFrame(rows)


def penguins_csv(path, n: int = 90, seed: int = 0):
    """Write the table as a CSV (missing cells as NA, as the original file has them); returns the path."""
    penguins(n, seed).to_csv(path, index=False, na_rep="NA")
    return path
