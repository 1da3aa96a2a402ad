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
    Lesson("Foundations", "app_pages/loss_surfaces.py", "Loss surfaces", ":material/grid_on:", "loss-surfaces",
           "The loss is a surface over the weights; the convex bowl is the ideal that real losses are not."),
    Lesson("Foundations", "app_pages/gradient_descent.py", "Gradient descent", ":material/south_east:", "gradient-descent",
           "Step against the gradient. Too large a learning rate bounces or diverges, too small crawls; the path lives in the weight plane."),
    Lesson("Learning rate over time", "app_pages/convergence.py", "Convergence & early stopping", ":material/do_not_disturb_on:", "convergence",
           "Near the minimum the loss stops improving and hovers: stop after N updates without improvement, or cut the learning rate on each plateau and stop below a threshold."),
    Lesson("Learning rate over time", "app_pages/schedules.py", "Learning-rate schedules", ":material/trending_down:", "schedules",
           "Change the learning rate as training goes: step, exponential and cosine decay settle the run; cyclical rates and warm restarts kick it out of a narrow minimum."),
    Lesson("Non-convex landscapes", "app_pages/local_minima.py", "Local minima", ":material/pin_drop:", "local-minima",
           "The start decides which valley gradient descent ends in; the basin map shows it for every start, and a large step makes runs jump basins."),
    Lesson("Non-convex landscapes", "app_pages/saddle_points.py", "Saddle points", ":material/swap_vert:", "saddle-points",
           "A zero gradient is not a minimum: plain gradient descent falsely converges at a saddle or on a plateau; a little noise lets it escape."),
    Lesson("Randomness", "app_pages/sgd.py", "Stochastic gradient descent", ":material/shuffle:", "sgd",
           "One random sample per step: each sample's loss disagrees a little, so SGD jitters, and the jitter carries it past saddles and shallow minima that trap batch gradient descent."),
    Lesson("Randomness", "app_pages/batch_size.py", "Batch size", ":material/stacks:", "batch-size",
           "Mini-batches of 16, 32 or 128 samples: the gradient's variance falls as 1/B, while one epoch takes n/B updates; measured cost per update and per epoch."),
    Lesson("Randomness", "app_pages/flat_sharp.py", "Flat vs sharp minima", ":material/terrain:", "flat-vs-sharp",
           "The test loss is the train loss moved a little: a flat minimum barely notices, a sharp one rises steeply; small-batch noise rarely stays in a sharp minimum."),
    Lesson("Randomness", "app_pages/weight_averaging.py", "Weight averaging", ":material/balance:", "weight-averaging",
           "Stochastic weight averaging: converge, save the weights, raise the learning rate, converge again; the average sits nearer the valley floor than the saved points and beats them on the test loss."),
    Lesson("Real networks", "app_pages/network_landscape.py", "Loss landscape of a real network", ":material/hub:",
           "network-landscape",
           "A small network has hundreds of weights: its loss can only be sliced. Filter-normalised slices show that mini-batch training ends in a flatter minimum than full-batch training, and the flatter one generalises."),
    Lesson("Beyond SGD", "app_pages/beyond_sgd.py", "Momentum, RMSprop, Adam", ":material/rocket_launch:", "beyond-sgd",
           "In a narrow valley plain SGD zig-zags; momentum and adaptive steps (RMSprop, Adam) move along the floor."),
)
