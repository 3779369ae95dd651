"""Tests of the choice of pairs to connect (Dijkstra missing connections + neighbours)."""

import itertools

import networkx as nx
import numpy as np
import pytest

from sklandscape._explore import FunctionObjective, Objective
from sklandscape._explore._connect import select_pairs


class Plain(Objective):
    """Euclidean distance (the default): select_pairs uses a k-d tree."""

    def value_and_grad(self, x):
        return float(x @ x), 2 * x


class ExplicitEuclidean(Plain):
    """The same distance, overridden: select_pairs falls back to brute force."""

    def distance(self, x, y):
        return float(np.sqrt(np.sum((np.asarray(x) - np.asarray(y)) ** 2)))


class Periodic(Plain):
    """Distance on a circle of circumference 10 (1-d)."""

    def distance(self, x, y):
        d = abs(float(x[0] - y[0])) % 10.0
        return min(d, 10.0 - d)


def _chain(positions):
    x = np.asarray(positions, dtype=float)[:, None]
    return x, np.arange(len(positions), dtype=float)


def _reference_missing_links(x, energy, ts_pairs, attempted, objective, own_routes=False):
    """Second method: networkx Dijkstra on the complete graph of minima.

    With ``own_routes``, a target whose path offers no new link gets the shortest path of the
    graph without the links offered so far.
    """
    n = len(energy)
    connected = {frozenset(p) for p in map(tuple, ts_pairs)}
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    for i, j in itertools.combinations(range(n), 2):
        key = frozenset((i, j))
        if key in connected:
            graph.add_edge(i, j, weight=1e-12)
        elif key not in attempted:
            graph.add_edge(i, j, weight=objective.distance(x[i], x[j]) ** 2)
    source = int(np.argmin(energy))
    ts_graph = nx.Graph()
    ts_graph.add_nodes_from(range(n))
    ts_graph.add_edges_from(map(tuple, ts_pairs))
    joined = nx.node_connected_component(ts_graph, source)
    pairs = []
    for target in np.argsort(energy, kind="stable"):
        if target in joined or not nx.has_path(graph, source, int(target)):
            continue
        path = nx.dijkstra_path(graph, source, int(target))
        new = [
            (min(i, j), max(i, j))
            for i, j in zip(path[:-1], path[1:], strict=True)
            if frozenset((i, j)) not in connected and (min(i, j), max(i, j)) not in pairs
        ]
        if own_routes and not new:
            pruned = graph.copy()
            pruned.remove_edges_from(pairs)
            if not nx.has_path(pruned, source, int(target)):
                continue
            path = nx.dijkstra_path(pruned, source, int(target))
            new = [
                (min(i, j), max(i, j))
                for i, j in zip(path[:-1], path[1:], strict=True)
                if frozenset((i, j)) not in connected
            ]
        pairs.extend(pair for pair in dict.fromkeys(new) if pair not in pairs)
    return pairs


def test_chain_dijkstra_picks_the_nearest_missing_links():
    # Minima on a line at 0, 1, 2, 3, 4 (energy rising along it); 0-1 and
    # 2-3 are joined. The cheapest way to join 2, 3 and 4 to the global
    # minimum 0 runs along the line: the missing links are 1-2 and 3-4, not
    # long jumps such as 0-2 (d^2 = 4 > 1).
    x, energy = _chain([0.0, 1.0, 2.0, 3.0, 4.0])
    pairs = select_pairs(x, energy, [[0, 1], [2, 3]], set(), Plain(1), n_neighbors=0)
    assert pairs == [(1, 2), (3, 4)]


def test_attempted_pairs_are_never_returned_and_dijkstra_goes_around():
    x, energy = _chain([0.0, 1.0, 2.0, 3.0, 4.0])
    attempted = {frozenset((1, 2))}
    pairs = select_pairs(x, energy, [[0, 1], [2, 3]], attempted, Plain(1), n_neighbors=0)
    assert frozenset((1, 2)) not in {frozenset(p) for p in pairs}
    # 2 is now reached through 1-3 (d^2 = 4, then the joined 3-2) or 0-2
    # (d^2 = 4); 4 from 3 (d^2 = 1).
    assert (3, 4) in pairs
    assert pairs == _reference_missing_links(x, energy, [[0, 1], [2, 3]], attempted, Plain(1))


@pytest.mark.parametrize("seed", range(5))
def test_missing_links_match_networkx_dijkstra(seed):
    rng = np.random.default_rng(seed)
    n = 9  # below the candidate-graph size, so the graph is complete
    x = rng.uniform(0, 10, size=(n, 2))
    energy = rng.permutation(n).astype(float)
    ts_pairs = np.array([p for p in itertools.combinations(range(n), 2) if rng.random() < 0.1])
    ts_pairs = ts_pairs.reshape(-1, 2)
    attempted = {frozenset(p) for p in itertools.combinations(range(n), 2) if rng.random() < 0.2}
    objective = Plain(2)
    pairs = select_pairs(x, energy, ts_pairs, attempted, objective, n_neighbors=0)
    assert pairs == _reference_missing_links(x, energy, ts_pairs, attempted, objective)


@pytest.mark.parametrize("seed", range(5))
def test_own_routes_match_networkx_dijkstra(seed):
    rng = np.random.default_rng(seed)
    n = 9
    x = rng.uniform(0, 10, size=(n, 2))
    energy = rng.permutation(n).astype(float)
    # transition states inside three groups of three: paths into a group share its way in
    groups = rng.permutation(n).reshape(3, 3)
    ts_pairs = np.array([sorted(g[k : k + 2]) for g in groups for k in (0, 1)])
    attempted = {frozenset(p) for p in itertools.combinations(range(n), 2) if rng.random() < 0.1}
    objective = Plain(2)
    pairs = select_pairs(x, energy, ts_pairs, attempted, objective, n_neighbors=0, own_routes=True)
    reference = _reference_missing_links(x, energy, ts_pairs, attempted, objective, True)
    assert pairs == reference
    plain = select_pairs(x, energy, ts_pairs, attempted, objective, n_neighbors=0)
    assert set(plain) <= set(pairs)


@pytest.mark.parametrize("k", [2, 3, 5])
def test_own_routes_offer_every_minimum_of_a_component_its_own_way_in(k):
    """A component of ``k`` minima joined to each other by transition states, reached from the
    global minimum's component only through its cheapest link: the shortest paths of all ``k``
    share that link (one pair per round), while own routes offer ``k`` different links at once.

    Minima: the global minimum at (-10, 0) joined to (1, 0); the component at (5, j), j < k,
    joined in a chain. The links from (1, 0) have d^2 = 16 + j^2, any link from (-10, 0) at
    least 225: each minimum's own route is the direct link from (1, 0), by increasing j.
    """
    x = np.array([[-10.0, 0.0], [1.0, 0.0]] + [[5.0, float(j)] for j in range(k)])
    energy = np.arange(k + 2, dtype=float)
    ts_pairs = [[0, 1]] + [[2 + j, 3 + j] for j in range(k - 1)]
    plain = select_pairs(x, energy, ts_pairs, set(), Plain(2), n_neighbors=0)
    assert plain == [(1, 2)]
    own = select_pairs(x, energy, ts_pairs, set(), Plain(2), n_neighbors=0, own_routes=True)
    assert own == [(1, 2 + j) for j in range(k)]
    # Only the listed minimum (the highest) gets a route of its own: the next way in.
    listed = select_pairs(x, energy, ts_pairs, set(), Plain(2), n_neighbors=0, own_routes=[k + 1])
    assert listed == [(1, 2), (1, 3)]
    # Singletons each have a link of their own already: the two rules agree.
    separate = select_pairs(x, energy, [[0, 1]], set(), Plain(2), n_neighbors=0)
    assert separate == select_pairs(
        x, energy, [[0, 1]], set(), Plain(2), n_neighbors=0, own_routes=True
    )
    assert len(separate) == k


def test_empty_when_everything_is_joined_or_attempted():
    x, energy = _chain([0.0, 1.0, 2.0, 3.0])
    all_pairs = list(itertools.combinations(range(4), 2))
    assert select_pairs(x, energy, all_pairs, set(), Plain(1)) == []
    attempted = {frozenset(p) for p in all_pairs[2:]}
    assert select_pairs(x, energy, all_pairs[:2], attempted, Plain(1)) == []
    assert select_pairs(x[:1], energy[:1], [], set(), Plain(1)) == []


def test_nearest_neighbours_complete_a_grid():
    # A 3x3 grid, already joined by a spanning tree (a "comb"): Dijkstra has
    # nothing to add, and with n_neighbors=4 every grid edge still missing is
    # proposed (grid neighbours, at distance 1, come before everything else).
    x = np.array([[i, j] for i in range(3) for j in range(3)], dtype=float)
    energy = np.arange(9, dtype=float)
    comb = [[0, 1], [1, 2], [0, 3], [3, 4], [4, 5], [3, 6], [6, 7], [7, 8]]
    pairs = select_pairs(x, energy, comb, set(), Plain(2), n_neighbors=4)
    grid_edges = {
        (a, b)
        for a, b in itertools.combinations(range(9), 2)
        if np.isclose(np.linalg.norm(x[a] - x[b]), 1.0)
    }
    expected = grid_edges - {tuple(sorted(p)) for p in comb}
    # Every pair joins one of the 4 nearest neighbours of either end (full
    # distance matrix, ties included).
    distances = np.linalg.norm(x[:, None] - x[None], axis=2)
    fourth = np.sort(distances, axis=1)[:, 4]  # column 0 is the point itself
    for i, j in pairs:
        assert distances[i, j] <= max(fourth[i], fourth[j]) + 1e-12
    assert expected <= set(pairs)
    assert len(pairs) == len(set(pairs))
    assert all(i < j for i, j in pairs)


def test_max_pairs_keeps_dijkstra_pairs_first_and_output_is_deterministic():
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(30, 3))
    energy = rng.uniform(size=30)
    full = select_pairs(x, energy, [], set(), Plain(3), n_neighbors=3)
    assert full == select_pairs(x, energy, [], set(), Plain(3), n_neighbors=3)
    dijkstra_only = select_pairs(x, energy, [], set(), Plain(3), n_neighbors=0)
    assert full[: len(dijkstra_only)] == dijkstra_only
    assert select_pairs(x, energy, [], set(), Plain(3), n_neighbors=3, max_pairs=5) == full[:5]


def test_brute_force_distance_agrees_with_the_kd_tree():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(40, 4))
    energy = rng.normal(size=40)
    ts_pairs = rng.integers(0, 40, size=(15, 2))
    attempted = {frozenset(p) for p in rng.integers(0, 40, size=(20, 2)).tolist()}
    args = (x, energy, ts_pairs, attempted)
    assert select_pairs(*args, Plain(4)) == select_pairs(*args, ExplicitEuclidean(4))


def test_custom_distance_is_used():
    # On a circle of circumference 10, minima at 0 and 9.5 are neighbours.
    x, energy = _chain([0.0, 3.0, 6.0, 9.5])
    pairs = select_pairs(x, energy, [], set(), Periodic(1), n_neighbors=0)
    assert (0, 3) in pairs
    plain = select_pairs(x, energy, [], set(), Plain(1), n_neighbors=0)
    assert (0, 3) not in plain


def test_scales_to_thousands_of_minima():
    rng = np.random.default_rng(3)
    n = 3000
    x = rng.uniform(size=(n, 3))
    energy = rng.uniform(size=n)
    pairs = select_pairs(x, energy, [], set(), Plain(3), n_neighbors=2)
    # Every minimum needs a path to the global minimum: at least n - 1 links.
    assert len(pairs) >= n - 1
    assert len({frozenset(p) for p in pairs}) == len(pairs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ts_pairs": [[0, 7]]}, "ts_pairs"),
        ({"n_neighbors": -1}, "n_neighbors"),
        ({"max_pairs": -2}, "max_pairs"),
        ({"own_routes": [9]}, "own_routes"),
        ({"minima_energy": np.zeros(3)}, "minima_x"),
    ],
)
def test_bad_input_raises(kwargs, message):
    x, energy = _chain([0.0, 1.0, 2.0, 3.0])
    arguments = {
        "minima_x": x,
        "minima_energy": energy,
        "ts_pairs": [],
        "attempted": set(),
        "objective": Plain(1),
    }
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        select_pairs(**arguments)


@pytest.mark.parametrize("own_routes", [False, True])
def test_pair_selection_and_searches_complete_a_small_egg_crate(own_routes):
    # Rounds of select_pairs + find_connections on the 3 x 3 separable egg
    # crate, from its 9 minima alone, until no pair is left: every one of its
    # 2 * 3 * 2 = 12 transition states (grid neighbours) is found, and
    # Dijkstra never proposes a pair twice.
    from sklandscape._explore._minimize import minimize_and_verify
    from sklandscape._explore._transition_state import find_connections
    from sklandscape.surfaces import SeparableEggCrate

    surface = SeparableEggCrate(n_wells=3)
    minima = [
        minimize_and_verify(surface, np.array([i, j], float))
        for i in (-1, 0, 1)
        for j in (-1, 0, 1)
    ]
    x = np.array([m.x for m in minima])
    energy = np.array([m.energy for m in minima])

    def index_of(point):
        distances = np.linalg.norm(x - point, axis=1)
        assert distances.min() < 1e-5
        return int(np.argmin(distances))

    found = {}
    attempted = set()
    rng = np.random.default_rng(0)
    for _ in range(10):
        ts_pairs = np.array(sorted(found), dtype=int).reshape(-1, 2)
        pairs = select_pairs(
            x, energy, ts_pairs, attempted, surface, n_neighbors=4, own_routes=own_routes
        )
        if not pairs:
            break
        assert not {frozenset(p) for p in pairs} & attempted
        attempted |= {frozenset(p) for p in pairs}
        for i, j in pairs:
            for connection in find_connections(surface, x[i], x[j], rng):
                ends = sorted(
                    (index_of(connection.minimum_plus.x), index_of(connection.minimum_minus.x))
                )
                found[tuple(ends)] = connection.ts_energy
    else:
        pytest.fail("select_pairs never ran out of pairs")
    grid_neighbours = {
        (a, b)
        for a, b in itertools.combinations(range(9), 2)
        if np.isclose(np.linalg.norm(x[a] - x[b]), 1.0, atol=0.05)
    }
    assert len(grid_neighbours) == 12
    assert set(found) == grid_neighbours


def test_n_targets_limits_targets_but_paths_cross_stepping_stones():
    """Minima on a line at 0, 1, 2, 3 (energies rising); only the two lowest are targets.

    Minimum 1 (x = 3) is reached from the global minimum (x = 0) through the stepping
    stones at x = 1 and 2, so its missing connections run through them; near-neighbour
    pairs join two targets only.
    """
    objective = FunctionObjective(lambda x: float(x @ x), 1)
    x = np.array([[0.0], [3.0], [1.0], [2.0]])
    energy = [0.0, 1.0, 2.0, 3.0]
    pairs = select_pairs(x, energy, [], set(), objective, n_neighbors=0, n_targets=2)
    assert pairs == [(0, 2), (2, 3), (1, 3)]
    # the last stepping stone joined: nothing is missing, and the only target pair is (0, 1)
    joined = [[0, 2], [2, 3], [1, 3]]
    assert select_pairs(x, energy, joined, set(), objective, n_neighbors=0, n_targets=2) == []
    neighbours = select_pairs(x, energy, joined, set(), objective, n_neighbors=3, n_targets=2)
    assert neighbours == [(0, 1)]
