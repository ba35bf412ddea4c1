"""Teaching notes: what each panel shows, in plain words for 12-to-16-year-olds.

One note per dock, keyed by the dock's objectName; the "?" on a dock's title bar opens
it (`mnistviz.ui.dock_notes`). Every number a note states is true of the two shipped
models (models/readout.pt and models/gap.pt) and is checked against them in
tests/test_teaching_notes.py: change a model or a note and that test says which claim
broke. No Qt, no numpy.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Note:
    title: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    def word_count(self) -> int:
        return len(self.text.split())


NOTES: dict[str, Note] = {
    "inputDock": Note("What the network sees", (
        "The network only ever sees a tiny picture: 28 × 28 pixels, each a number from 0 (black) to 1 (white). "
        "Just before the network, every number is shifted and scaled the way the training digits were "
        "(“normalised”): black becomes −0.42 and full white 2.82, the numbers “How it's made” shows.",
        "Your drawing is cut to the ink, shrunk so its longer side is 20 pixels, then placed so the "
        "middle of its ink (its centre of mass) sits in the middle of the 28 × 28 square.",
        "Why? The network learned from thousands of handwritten digits (MNIST) made ready like this. "
        "A digit drawn small in a corner would look strange to it: untick “Centre like MNIST” and watch.",
    )),
    "predictionDock": Note("Prediction: scores become percentages", (
        "At the end the network gives every digit a score (a “logit”). Bigger means “more like this digit”.",
        "Softmax turns the ten scores into ten percentages that add up to 100\u00a0%. Before that, the scores are "
        "divided by one number (the “temperature”, a little more than 1 here), chosen on practice digits so "
        "that the percentages are about as sure as the network is right.",
        "The big digit is the one with the highest percentage. A score can never make a percentage exactly "
        "0\u00a0% or 100\u00a0%, so the most the app shows is “> 99.9\u00a0%”.",
    )),
    "stageDock1": Note("Conv1 + ReLU: looking for small patterns", (
        "A convolution slides a small 3 × 3 window over the picture. At each spot it multiplies the "
        "9 pixels by 9 learned weights, adds them up and adds a bias. Each of the 10 filters has its own "
        "weights, so each looks for its own pattern: an edge, a line in one direction…",
        "The picture is padded with a border of zeros, so every map is 28 × 28, like the input.",
        "ReLU then turns every negative number into 0. So the maps are 0 (dark) where the pattern is "
        "missing and bright where it is found strongly.",
    )),
    "stageDock2": Note("Conv2 + ReLU: patterns of patterns", (
        "The second convolution looks at all 10 maps from Conv1 at once. Each of its 10 filters has a "
        "3 × 3 window on every one of those maps: 90 weights and a bias.",
        "So it can find combinations: for example “a line here AND a curve next to it”. That is how the "
        "network builds bigger shapes out of small ones.",
        "The maps are still 28 × 28, and ReLU again sets negative numbers to 0.",
    )),
    "stageDock3": Note("MaxPool: keeping the strongest", (
        "Max-pool cuts each Conv2 map into squares of 2 × 2 pixels and keeps only the largest of the "
        "four numbers.",
        "So every map shrinks to half the width and half the height: 14 × 14. The network keeps "
        "“the pattern was found around here” and forgets the exact pixel, which makes it less fussy "
        "about small shifts in your drawing.",
        "Max-pool learns nothing: it has no weights.",
    )),
    "evidenceDock": Note("Evidence: why this answer?", (
        "The last layer multiplies each MaxPool value by a learned weight and adds everything up, plus a "
        "bias. The evidence map shows those products, added up for each of the 14 × 14 places.",
        "Red: this part of your drawing pushes the score up for the class. Blue: it pushes it down. "
        "Pale or no colour: it hardly matters.",
        "For the two models that come with the app this is exact: bias + the sum of the whole map = "
        "the score (logit). Click another bar or class to see the evidence for it.",
    )),
    "arithmeticDock": Note("How one value is made", (
        "Point at any pixel of a feature map and this panel shows the sum that made it.",
        "Conv1: the 3 × 3 patch of the input times the 3 × 3 weights, nine products, added up, plus the "
        "bias; then ReLU (a negative total becomes 0).",
        "Conv2: the same for each of the 10 Conv1 maps, giving 10 partial sums, then plus the bias and ReLU.",
        "MaxPool: the 2 × 2 window and the largest number in it.",
        "The app recomputes these sums itself and only shows them when they match the network's own value.",
    )),
    "filtersDock": Note("Filters: what the network learned", (
        "These are the weights the network learned during training; they are the same for every drawing.",
        "The top row holds Conv1's 10 filters, 3 × 3 weights each. The grid holds Conv2's: row f is the "
        "10 small 3 × 3 filters that together make Conv2 map f.",
        "Red is a positive weight (a bright input there raises the total), blue a negative one "
        "(it lowers the total). One colour scale for all, so the same colour means the same weight.",
    )),
    "networkDock": Note("The whole network", (
        "The layers in order, from the 28 × 28 input to the 10 class scores, with the shape each one "
        "makes and how many numbers (weights and biases) it learned.",
        "Conv1 learns 10 × (9 + 1) = 100 numbers, Conv2 10 × (90 + 1) = 910. MaxPool learns none. The "
        "last layer learns the rest.",
        "Click a layer to bring its panel to the front.",
    )),
    "compareDock": Note("Compare two drawings", (
        "A is the drawing you pinned, B is the one on the canvas now. Each row shows A, B and B − A.",
        "A and B share one colour scale, so the same colour means the same number in both.",
        "B − A: red where B is larger, blue where A is larger, white where nothing changed.",
        "At the bottom: the percentages of both drawings, side by side. Edit ▸ Unpin stops comparing.",
    )),
    "galleryDock": Note("Gallery: this lesson's drawings", (
        "Every drawing you save or pin lands here, with the network's answer for it at that moment.",
        "Click one to put it back on the canvas exactly as it was, and the network looks at it again. "
        "Use it to collect the drawings that fooled the network, or to go back to one the class wants to "
        "discuss.",
        "The gallery is not kept when the app closes: save a drawing (File ▸ Save drawing) to keep it.",
    )),
}

# Read by the screen tests and the README: the rule each note keeps.
MAX_WORDS = 120


def note_for(object_name: str) -> Note | None:
    return NOTES.get(object_name)
