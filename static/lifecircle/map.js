/* The neighbourhood map (社区生活圈一张图): markers from the page's JSON data island.
 * The list below the map is the page; this only adds the map when a tile source is
 * configured (data-tiles-url) and Leaflet loaded. No inline script (CSP). */
(function () {
  "use strict";
  var box = document.getElementById("lifecircle-map");
  var island = document.getElementById("lifecircle-markers");
  if (!box || !island || typeof L === "undefined") {
    return;
  }
  var markers = JSON.parse(island.textContent);
  if (!markers.length) {
    return;
  }
  var colours = { space: "#1f6feb", partner: "#1a7f37", need: "#bf3989", call: "#9a6700" };
  box.hidden = false;
  // No +/- buttons (their glyphs are not text to a screen reader); pinch, double tap and the
  // keyboard (+/- once the map has focus) zoom, and the list below holds everything anyway.
  // The markers' SVG no larger than the map (Leaflet pads it by a tenth; the padding would lie
  // over the list around the map for assistive tools that do not see the map's clipping).
  // The tiles' attribution is printed by the page under the map (plain text, readable by everyone).
  var map = L.map(box, {
    scrollWheelZoom: false,
    zoomControl: false,
    attributionControl: false,
    renderer: L.svg({ padding: 0 }),
  });
  L.tileLayer(box.dataset.tilesUrl, { maxZoom: 19 }).addTo(map);
  var bounds = [];
  markers.forEach(function (m) {
    var marker = L.circleMarker(m.point, {
      radius: 8,
      color: colours[m.kind] || "#333",
      fillOpacity: 0.7,
    }).addTo(map);
    var popup = document.createElement("div");
    var title = document.createElement(m.url ? "a" : "strong");
    title.textContent = m.title;
    if (m.url) {
      title.href = m.url;
    }
    var detail = document.createElement("p");
    detail.textContent = m.detail;
    var more = document.createElement("a");
    more.href = "#" + m.anchor;
    more.textContent = box.dataset.listLabel;
    popup.appendChild(title);
    popup.appendChild(detail);
    popup.appendChild(more);
    marker.bindPopup(popup);
    bounds.push(m.point);
  });
  map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 });
})();
