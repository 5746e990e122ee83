// Roadmap timeline bundle (dist/timeline.js + dist/timeline.css).
// Not loaded by any template yet: a later issue wires it to the roadmap page.
// The "peer" build keeps vis-data as a separate, explicitly pinned package.
import { Timeline } from "vis-timeline/peer";
import { DataSet } from "vis-data/peer";
import "vis-timeline/styles/vis-timeline-graph2d.css";

window.NorthstarTimeline = { Timeline, DataSet };
