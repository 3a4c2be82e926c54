"""German one-line descriptions of the built-in examples (the example files carry the English)."""

EXAMPLES_DE = {
    "circle": "Unterscheide die innere Scheibe vom äußeren Ring: eine nicht-lineare Grenze.",
    "digits": "Erkenne handgeschriebene Ziffern (8x8 Pixel) mit einem kleinen Faltungsnetz.",
    "iris": "Bestimme die Art einer Schwertlilie aus vier Messungen.",
    "modular_arithmetic": "Lerne (a + b) mod 97 aus Beispielen und sieh zu, wie das Netz lange nach dem "
                          "Auswendiglernen plötzlich versteht ('grokking'). Es trainiert absichtlich 500 Epochen, "
                          "ohne frühes Stoppen: Die Validierungsgenauigkeit bleibt lange nach dem Lernen der "
                          "Trainingspaare beim Raten (der Validierungsverlust steigt sogar) und springt dann um "
                          "Epoche 350-450 auf 100 %.",
    "shapes": "Erkenne Kreise, Quadrate und Dreiecke in jeder Farbe in 32x32-Farbbildern.",
    "sine": "Passe die Kurve y = sin(x) an: Regression mit einem glatten Netz.",
    "spiral": "Trenne zwei ineinander verschlungene Spiralen: ein Klassiker, der mehrere verborgene Schichten "
              "braucht.",
    "wine": "Unterscheide drei Weinsorten anhand von 13 chemischen Messwerten.",
    "xor": "Lerne exklusives Oder: das Problem, das ein einzelnes Neuron nicht lösen kann.",
}
