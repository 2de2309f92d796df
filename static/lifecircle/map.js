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
  var map = L.map(box, { scrollWheelZoom: false });
  L.tileLayer(box.dataset.tilesUrl, {
    attribution: box.dataset.attribution || "",
    maxZoom: 19,
  }).addTo(map);
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
