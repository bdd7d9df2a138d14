// Filter panels are <details>: folded on a phone so the first result is on the first screen, open on a wide screen.
(function () {
    var wide = window.matchMedia('(min-width: 721px)');
    function apply() {
        document.querySelectorAll('details[data-open-wide]').forEach(function (d) { d.open = wide.matches; });
    }
    apply();
    if (wide.addEventListener) wide.addEventListener('change', apply);
})();
