'use strict';
// The community filter's search box (portal.admin_scoping.ScopedCommunityFilter):
// picking a community reloads the list filtered by it, clearing the box drops the filter.
{
    const $ = django.jQuery;
    $(function() {
        // select2 (set up by admin/js/autocomplete.js, which runs first) names its box by the
        // selected text, which is empty before a choice: give its parts the select's own name.
        $('select[data-filter-autocomplete]').each(function() {
            const label = this.getAttribute('aria-label');
            $(this).next('.select2').find('.select2-selection, .select2-selection__rendered')
                .attr('aria-label', label);
        });
        $('select[data-filter-autocomplete]').on('change', function() {
            const params = new URLSearchParams(window.location.search);
            params.delete('p');
            for (const name of this.dataset.filterClear.split(' ')) {
                params.delete(name);
            }
            if (this.value) {
                params.set(this.name, this.value);
            }
            window.location.search = params.toString();
        });
    });
}
