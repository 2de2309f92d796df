'use strict';
// The community filter's search box (portal.admin_scoping.ScopedCommunityFilter):
// picking a community reloads the list filtered by it, clearing the box drops the filter.
{
    const $ = django.jQuery;
    $(function() {
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
