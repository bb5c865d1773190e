// The touch table: an attract screen, a grid of exhibits, one exhibit at a time, and back to the
// attract screen when the SDK ends the visitor's session (kiosk mode: idle timeout without input).
(function () {
  'use strict';

  // If the collector could not serve the SDK, the exhibits still work; nothing is recorded.
  var hc = window.headcount && typeof window.headcount.status === 'function' ? window.headcount : null;

  var EXHIBITS = [
    {
      id: 'blue-whale', title: 'Blue Whale', kicker: 'Oceans', hue: '#1d4ed8', hue2: '#0ea5e9',
      blurb: 'The largest animal that has ever lived.',
      facts: ['Up to 30 metres long: longer than a basketball court.', 'Its heart weighs about as much as a small car.', 'Its calls travel hundreds of kilometres underwater.'],
      art: '<path d="M10 62c18-20 52-26 74-12 8 5 14 5 22-4l6 10c-6 10-16 13-24 12-6 16-28 26-52 22C22 88 10 76 10 62z" fill="currentColor"/><circle cx="36" cy="60" r="3" fill="#0b1020"/><path d="M50 30c0-8 4-12 4-16M58 30c2-8 8-11 10-14" stroke="currentColor" stroke-width="4" fill="none" stroke-linecap="round"/>',
    },
    {
      id: 't-rex', title: 'Tyrannosaurus rex', kicker: 'Fossils', hue: '#b45309', hue2: '#f59e0b',
      blurb: 'A predator that walked 66 million years ago.',
      facts: ['Teeth as long as bananas, replaced all life long.', 'A bite among the strongest of any land animal.', 'Lived at the very end of the age of dinosaurs.'],
      art: '<ellipse cx="60" cy="74" rx="20" ry="16" fill="currentColor"/><ellipse cx="36" cy="40" rx="9" ry="16" transform="rotate(-25 36 40)" fill="currentColor"/><ellipse cx="60" cy="32" rx="9" ry="17" fill="currentColor"/><ellipse cx="84" cy="40" rx="9" ry="16" transform="rotate(25 84 40)" fill="currentColor"/>',
    },
    {
      id: 'monarchs', title: 'Monarch Migration', kicker: 'Insects', hue: '#c2410c', hue2: '#fb923c',
      blurb: 'Four thousand kilometres on paper-thin wings.',
      facts: ['Millions fly from Canada to the mountains of Mexico.', 'No single butterfly makes the whole round trip.', 'They steer by the sun and an inner clock.'],
      art: '<ellipse cx="38" cy="44" rx="24" ry="18" transform="rotate(-20 38 44)" fill="currentColor"/><ellipse cx="82" cy="44" rx="24" ry="18" transform="rotate(20 82 44)" fill="currentColor"/><ellipse cx="42" cy="78" rx="15" ry="12" transform="rotate(20 42 78)" fill="currentColor"/><ellipse cx="78" cy="78" rx="15" ry="12" transform="rotate(-20 78 78)" fill="currentColor"/><rect x="57" y="34" width="6" height="56" rx="3" fill="#0b1020"/>',
    },
    {
      id: 'coral-reef', title: 'Coral Reef', kicker: 'Ecosystems', hue: '#be185d', hue2: '#f472b6',
      blurb: 'Cities built by animals smaller than a grain of rice.',
      facts: ['Reefs cover under 1% of the sea floor.', 'They shelter about a quarter of all marine species.', 'Some reefs have grown for more than 5,000 years.'],
      art: '<path d="M60 100V58M60 70 40 48M40 48V30M40 48 26 40M60 64l22-22M82 42V26M82 42l14-6M60 84 84 70M84 70l10 6M60 88 36 76" stroke="currentColor" stroke-width="7" stroke-linecap="round" fill="none"/>',
    },
    {
      id: 'meteorites', title: 'Meteorites', kicker: 'Space', hue: '#6d28d9', hue2: '#a78bfa',
      blurb: 'Stones older than the Earth itself.',
      facts: ['About 17 meteorites a day reach the ground.', 'Some carry dust from stars that died before the Sun.', 'The oldest are 4.6 billion years old.'],
      art: '<path d="M14 20 56 56M24 12l40 34M8 34l38 30" stroke="currentColor" stroke-width="5" stroke-linecap="round" opacity=".55"/><circle cx="74" cy="72" r="26" fill="currentColor"/><circle cx="66" cy="66" r="6" fill="#0b1020" opacity=".5"/><circle cx="84" cy="80" r="4" fill="#0b1020" opacity=".5"/>',
    },
    {
      id: 'giant-sequoia', title: 'Giant Sequoia', kicker: 'Forests', hue: '#15803d', hue2: '#4ade80',
      blurb: 'Trees that were saplings when Rome was young.',
      facts: ['The largest trees on Earth by volume.', 'Bark up to 60 cm thick protects them from fire.', 'Some are more than 3,000 years old.'],
      art: '<path d="M60 10 30 56h14L24 84h72L76 56h14z" fill="currentColor"/><rect x="53" y="84" width="14" height="22" rx="3" fill="currentColor"/>',
    },
  ];

  var $ = function (id) { return document.getElementById(id); };
  var screens = { attract: $('attract'), gallery: $('gallery'), exhibit: $('exhibit') };

  function show(name) {
    for (var key in screens) screens[key].hidden = key !== name;
    document.body.dataset.screen = name;
  }

  function icon(exhibit) {
    return '<svg viewBox="0 0 120 120" role="img" aria-hidden="true">' + exhibit.art + '</svg>';
  }

  function renderGallery() {
    var grid = $('exhibits');
    EXHIBITS.forEach(function (exhibit) {
      var card = document.createElement('button');
      card.type = 'button';
      card.className = 'card';
      card.id = 'exhibit-' + exhibit.id;
      card.dataset.exhibit = exhibit.id;
      card.style.setProperty('--hue', exhibit.hue);
      card.style.setProperty('--hue2', exhibit.hue2);
      card.innerHTML = '<span class="card-art">' + icon(exhibit) + '</span>' +
        '<span class="card-kicker"></span><span class="card-title"></span><span class="card-blurb"></span>';
      card.querySelector('.card-kicker').textContent = exhibit.kicker;
      card.querySelector('.card-title').textContent = exhibit.title;
      card.querySelector('.card-blurb').textContent = exhibit.blurb;
      card.addEventListener('click', function () { openExhibit(exhibit); });
      grid.appendChild(card);
    });
  }

  function openExhibit(exhibit) {
    if (hc) hc.track('Exhibit Opened', { exhibit: exhibit.id });
    var panel = screens.exhibit;
    panel.style.setProperty('--hue', exhibit.hue);
    panel.style.setProperty('--hue2', exhibit.hue2);
    $('exhibit-art').innerHTML = icon(exhibit);
    $('exhibit-kicker').textContent = exhibit.kicker;
    $('exhibit-title').textContent = exhibit.title;
    var facts = $('exhibit-facts');
    facts.textContent = '';
    exhibit.facts.forEach(function (fact) {
      var li = document.createElement('li');
      li.textContent = fact;
      facts.appendChild(li);
    });
    show('exhibit');
  }

  function renderStatus() {
    var s = hc ? hc.status() : { sessionId: null, queued: 0, sent: 0, online: false };
    $('status-dot').dataset.online = String(!!s.online);
    $('status-online').textContent = hc ? (s.online ? 'online' : 'offline') : 'analytics unavailable';
    // The tail of the id is the part that changes between sessions.
    $('status-session').textContent = s.sessionId ? '…' + s.sessionId.slice(-6) : 'none';
    $('status-session').title = s.sessionId || '';
    $('status-queued').textContent = String(s.queued);
    $('status-sent').textContent = String(s.sent);
  }

  renderGallery();
  screens.attract.addEventListener('click', function () { show('gallery'); });
  screens.attract.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') show('gallery'); });
  $('exhibit-back').addEventListener('click', function () { show('gallery'); });
  // Long presses should not open the browser's menu on a touch table.
  document.addEventListener('contextmenu', function (e) { e.preventDefault(); });

  if (hc) {
    // The visitor walked away: the next person starts at the attract screen with a new anonymous id.
    hc.on('sessionend', function () { show('attract'); renderStatus(); });
    hc.on('sessionstart', renderStatus);
    hc.on('send', renderStatus);
    window.addEventListener('online', renderStatus);
    window.addEventListener('offline', renderStatus);
  }
  // After a reload within a visit the session goes on, and so does the gallery.
  show(hc && hc.status().sessionId ? 'gallery' : 'attract');
  renderStatus();
  setInterval(renderStatus, 500);
})();
