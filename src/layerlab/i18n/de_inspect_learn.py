"""German for the inspect messages that explain to learners why a view shows nothing."""
from . import add

add("de", {
    # inspect/views_data.py: saliency
    "Grad-CAM works on pictures, and this project's inputs are not pictures":
        "Grad-CAM arbeitet mit Bildern, und die Eingaben dieses Projekts sind keine Bilder",
    "Grad-CAM needs a convolution layer before the flatten layer, and this network has none":
        "Grad-CAM braucht eine Faltungsschicht vor der Flatten-Schicht, und dieses Netz hat keine",
    "Grad-CAM is empty here: no position of the last feature maps speaks for {name} "
    "(all their contributions are zero or negative). Try another sample or train longer.":
        "Grad-CAM ist hier leer: keine Stelle der letzten Merkmalskarten spricht für {name} "
        "(alle Beiträge sind null oder negativ). Nimm ein anderes Beispiel oder trainiere länger.",
})
