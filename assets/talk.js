// Talk pages: time links seek the player; the paragraph being spoken is highlighted.
// Third-party players load only after a click (privacy: no request on page load).
(function () {
  "use strict";
  var figure = document.querySelector(".player");
  if (!figure) return;
  var provider = figure.getAttribute("data-provider");
  var video = figure.querySelector("video");
  var frame = null;
  var paragraphs = Array.prototype.slice.call(document.querySelectorAll(".transcript-paragraph"));

  function loadEmbed(start) {
    var embed = figure.getAttribute("data-embed");
    if (!embed) return;
    if (!frame) {
      frame = document.createElement("iframe");
      frame.setAttribute("allow", "autoplay; fullscreen; picture-in-picture");
      frame.setAttribute("allowfullscreen", "");
      frame.title = document.title;
      var poster = figure.querySelector(".player-poster");
      if (poster) poster.replaceWith(frame);
    }
    var url = embed;
    if (start) {
      if (provider === "youtube") url += "&start=" + Math.floor(start);
      else if (provider === "vimeo") url += "#t=" + Math.floor(start) + "s";
      else url += "&start=" + Math.floor(start);
    }
    frame.src = url;
  }

  function seek(seconds) {
    if (video) {
      video.currentTime = seconds;
      var playing = video.play();
      if (playing && playing.catch) playing.catch(function () {});
    } else {
      loadEmbed(seconds);
    }
    highlight(seconds);
  }

  function highlight(time) {
    var current = null;
    for (var i = 0; i < paragraphs.length; i++) {
      var start = parseFloat(paragraphs[i].getAttribute("data-start"));
      if (start <= time + 0.05) current = paragraphs[i];
      else break;
    }
    paragraphs.forEach(function (p) {
      p.classList.toggle("is-current", p === current);
    });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-seek]") : null;
    if (link) {
      event.preventDefault();
      var seconds = parseFloat(link.getAttribute("data-seek"));
      seek(seconds);
      if (history.replaceState) history.replaceState(null, "", "#t=" + Math.floor(seconds));
      figure.scrollIntoView({ block: "nearest" });
      return;
    }
    if (event.target.closest && event.target.closest(".play")) {
      event.preventDefault();
      loadEmbed(0);
    }
  });

  if (video) {
    video.addEventListener("timeupdate", function () { highlight(video.currentTime); });
  }
  var match = /^#t=(\d+(?:\.\d+)?)$/.exec(location.hash);
  if (match && video) {
    video.addEventListener("loadedmetadata", function () { video.currentTime = parseFloat(match[1]); }, { once: true });
    highlight(parseFloat(match[1]));
  }
})();
