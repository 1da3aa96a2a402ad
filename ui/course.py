"""The course outline: one entry per page, in teaching order.

The entry point builds the navigation from it and the home page lists it, so
a page is added in one place.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    section: str
    file: str
    title: str
    icon: str
    url_path: str
    idea: str


LESSONS = (
    Lesson("Foundations", "pages/loss_surfaces.py", "Loss surfaces", "🗺️", "loss-surfaces",
           "The loss is a surface over the weights; the convex bowl is the ideal that real losses are not."),
    Lesson("Foundations", "pages/gradient_descent.py", "Gradient descent", "⬇️", "gradient-descent",
           "Step against the gradient. Too large a learning rate bounces or diverges, too small crawls; the path lives in the weight plane."),
)
