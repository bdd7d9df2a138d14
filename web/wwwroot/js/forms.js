// Progressive enhancement of forms: the pages work without it (rows are posted as plain inputs).
(function () {
    'use strict';

    // The error summary takes the focus, so a screen reader reads it and a keyboard user starts there.
    var summary = document.querySelector('[data-error-summary]');
    if (summary) {
        // Problems in the order of the fields on the page (the server lists them by field name).
        var list = summary.querySelector('ul');
        if (list) {
            var items = Array.prototype.slice.call(list.children);
            var target = function (li) {
                var a = li.querySelector('a[href^="#"]');
                return a ? document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1))) : null;
            };
            items.sort(function (x, y) {
                var tx = target(x), ty = target(y);
                if (!tx || !ty) return (tx ? 1 : 0) - (ty ? 1 : 0);
                return tx.compareDocumentPosition(ty) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
            });
            items.forEach(function (li) { list.appendChild(li); });
        }
        summary.focus();
        // A link in the summary puts the cursor in its field, not only scrolls to it.
        summary.addEventListener('click', function (e) {
            var link = e.target.closest('a[href^="#"]');
            if (!link) return;
            var target = document.getElementById(decodeURIComponent(link.getAttribute('href').slice(1)));
            if (!target) return;
            e.preventDefault();
            target.scrollIntoView({ block: 'center' });
            target.focus();
        });
    }

    // Editable rows (rubric, milestones): add, remove, renumber the field names, and keep a running total.
    document.querySelectorAll('[data-rows]').forEach(function (table) {
        var body = table.querySelector('tbody');
        var prefix = table.getAttribute('data-rows');
        var template = table.querySelector('template');

        function renumber() {
            Array.prototype.forEach.call(body.rows, function (row, i) {
                row.querySelectorAll('input').forEach(function (input) {
                    var field = input.getAttribute('data-field');
                    input.name = prefix + '[' + i + '].' + field;
                    input.id = prefix + '_' + i + '__' + field;
                });
                // Accessible names carry the row number ("权重 2"), so each row's inputs and button can be told apart.
                row.querySelectorAll('[data-label]').forEach(function (el) {
                    el.setAttribute('aria-label', el.getAttribute('data-label') + ' ' + (i + 1));
                });
                var number = row.querySelector('[data-row-number]');
                if (number) number.textContent = String(i + 1);
            });
            total();
        }

        function total() {
            var output = table.parentNode.querySelector('[data-total]');
            if (!output) return;
            var sum = 0;
            body.querySelectorAll('input[data-field="Weight"]').forEach(function (input) {
                var v = parseFloat(input.value);
                if (!isNaN(v)) sum += v;
            });
            sum = Math.round(sum * 100) / 100;
            output.textContent = String(sum);
            var ok = sum === 100;
            output.parentNode.classList.toggle('bad', !ok);
            var hint = output.parentNode.querySelector('[data-total-hint]');
            if (hint) hint.hidden = ok;
        }

        function wire(row) {
            var remove = row.querySelector('[data-remove-row]');
            if (remove) remove.addEventListener('click', function () {
                row.parentNode.removeChild(row);
                renumber();
            });
        }

        Array.prototype.forEach.call(body.rows, wire);
        // Blank rows the server adds for use without script are dropped; "添加一行" gives a new one when needed.
        Array.prototype.slice.call(body.rows).forEach(function (row) {
            if (row.getAttribute('data-spare') === 'true' && body.rows.length > 1) row.parentNode.removeChild(row);
        });
        var add = table.parentNode.querySelector('[data-add-row]');
        if (add && template) {
            add.hidden = false;
            add.addEventListener('click', function () {
                var row = template.content.firstElementChild.cloneNode(true);
                body.appendChild(row);
                wire(row);
                renumber();
                var first = row.querySelector('input');
                if (first) first.focus();
            });
        }
        body.addEventListener('input', total);
        renumber();
    });

    // A date-time input is shown in the browser's locale; the line under it repeats the choice as 2027-01-03 17:00.
    document.querySelectorAll('[data-echo-for]').forEach(function (echo) {
        var input = document.getElementById(echo.getAttribute('data-echo-for'));
        if (!input) return;
        input.addEventListener('input', function () {
            var v = input.value;
            echo.textContent = v ? echo.getAttribute('data-template').replace('{0}', v.replace('T', ' ').slice(0, 16)) : '';
        });
    });
})();
