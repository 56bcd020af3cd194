// Talk pages: time links seek the player; the paragraph being spoken is highlighted.
// Third-party players load only after a click (privacy: no request on page load). Once loaded,
// YouTube and Vimeo players are driven through their postMessage APIs, so a time link seeks
// without reloading the player, and their time updates move the highlight.
(function () {
  "use strict";
  var figure = document.querySelector(".player");
  if (!figure) return;
  var provider = figure.getAttribute("data-provider");
  var video = figure.querySelector("video");
  var frame = null;
  var frameReady = false;
  var pending = null;
  var paragraphs = Array.prototype.slice.call(document.querySelectorAll(".transcript-paragraph"));

  function send(message) {
    if (frame && frame.contentWindow) frame.contentWindow.postMessage(JSON.stringify(message), "*");
  }

  function subscribe() {
    if (provider === "youtube") send({ event: "listening", id: 1, channel: "widget" });
    if (provider === "vimeo") send({ method: "addEventListener", value: "timeupdate" });
  }

  function seekLoaded(seconds) {
    if (provider === "youtube") {
      send({ event: "command", func: "seekTo", args: [seconds, true], id: 1, channel: "widget" });
      send({ event: "command", func: "playVideo", args: [], id: 1, channel: "widget" });
    } else if (provider === "vimeo") {
      send({ method: "setCurrentTime", value: seconds });
      send({ method: "play" });
    } else {
      return false; // PeerTube and others: reload the embed at the new start
    }
    return true;
  }

  function loadEmbed(start) {
    var embed = figure.getAttribute("data-embed");
    if (!embed) return;
    if (frame && frameReady && seekLoaded(start)) return;
    if (!frame) {
      frame = document.createElement("iframe");
      frame.setAttribute("allow", "autoplay; fullscreen; picture-in-picture");
      frame.setAttribute("allowfullscreen", "");
      frame.title = document.title;
      frame.addEventListener("load", function () {
        frameReady = true;
        subscribe();
        if (pending !== null && seekLoaded(pending)) pending = null;
      });
      var poster = figure.querySelector(".player-poster");
      if (poster) poster.replaceWith(frame);
    }
    var url = embed;
    if (start) {
      if (provider === "vimeo") url += "#t=" + Math.floor(start) + "s";
      else url += "&start=" + Math.floor(start);
    }
    frameReady = false;
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

  window.addEventListener("message", function (event) {
    if (!frame || event.source !== frame.contentWindow) return;
    var data = event.data;
    try {
      if (typeof data === "string") data = JSON.parse(data);
    } catch (e) {
      return;
    }
    if (!data) return;
    if (data.event === "infoDelivery" && data.info && typeof data.info.currentTime === "number") {
      highlight(data.info.currentTime); // YouTube
    } else if (data.event === "timeupdate" && data.data && typeof data.data.seconds === "number") {
      highlight(data.data.seconds); // Vimeo
    } else if (data.event === "ready" || data.event === "onReady") {
      subscribe();
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-seek]") : null;
    if (link) {
      event.preventDefault();
      var seconds = parseFloat(link.getAttribute("data-seek"));
      seek(seconds);
      var paragraph = link.closest(".transcript-paragraph");
      var anchor = paragraph ? paragraph.id : (link.getAttribute("href") || "").replace(/^#/, "");
      if (anchor && history.replaceState) history.replaceState(null, "", "#" + anchor);
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
