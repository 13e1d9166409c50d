package scrape

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

func TestWorkshopPapers(t *testing.T) {
	const pageURL = "http://learningsys.org/sosp19/acceptedpapers.html"
	page := workshopDoc(`<h1>Accepted Papers</h1>
<p><a href="assets/papers/7_CameraReadySubmission_AI_system_camera_ready_v1.pdf"><strong>OverSeer: Efficient DNN Execution on Heterogeneous Devices </strong></a>: Rohan Mukherjee (Rice University); Zhi Chen (AWS)</p>
<p><strong>Lessons learnt from shipping Intelligent Feeds to Microsoft Teams </strong>: Mohammad Luqman (Microsoft); Juhi Dua (Microsoft)</p>
<p><a href="https://github.com/LearningSys/sosp17/blob/master/papers/7%5CCameraReadySubmission%5Clitz-sosp-aisys%20(4).pdf"><strong>Litz: Transparent Elasticity for High-Performance Machine Learning</strong></a></p>
<ul>
<li>Aurick Qiao*; Abutalib Aghayev; Eric Xing, Petuum, Inc.</li>
</ul>
<p><strong>Note:</strong> camera-ready versions are linked.</p>
<p><strong>A title with no authors</strong></p>`)
	r := mustExtract(t, page, pageURL)
	if r.Extractor != "workshop-papers" {
		t.Fatalf("extractor %q, want workshop-papers", r.Extractor)
	}
	want := []raw.Paper{{
		Title:   "OverSeer: Efficient DNN Execution on Heterogeneous Devices",
		Authors: "Rohan Mukherjee (Rice University); Zhi Chen (AWS)",
		URL:     "http://learningsys.org/sosp19/assets/papers/7_CameraReadySubmission_AI_system_camera_ready_v1.pdf",
	}, {
		Title:   "Lessons learnt from shipping Intelligent Feeds to Microsoft Teams",
		Authors: "Mohammad Luqman (Microsoft); Juhi Dua (Microsoft)",
	}, {
		Title:   "Litz: Transparent Elasticity for High-Performance Machine Learning",
		Authors: "Aurick Qiao*; Abutalib Aghayev; Eric Xing, Petuum, Inc.",
		URL:     "https://github.com/LearningSys/sosp17/blob/master/papers/7%5CCameraReadySubmission%5Clitz-sosp-aisys%20(4).pdf",
	}, {
		Title: "A title with no authors",
	}}
	for i := range want {
		want[i].SourceURL = pageURL
	}
	if diff := cmp.Diff(want, r.Papers); diff != "" {
		t.Errorf("papers (-want +got):\n%s", diff)
	}
	if len(r.Warnings) != 1 || r.Warnings[0].Field != "authors" {
		t.Errorf("warnings = %+v, want one about missing authors", r.Warnings)
	}
}

func TestWorkshopPapersNone(t *testing.T) {
	doc := mustPage(t, workshopDoc(`<h1>Accepted Papers</h1><p>To be announced.</p>`), "http://x.org/papers.html")
	if (WorkshopPapers{}).Match(doc) {
		t.Error("Match on a page without entries")
	}
	err := WorkshopPapers{}.Extract(doc, &raw.Records{})
	if err == nil || !strings.Contains(err.Error(), "http://x.org/papers.html") {
		t.Errorf("Extract error %v, want one naming the page", err)
	}
}

// A hand-written papers page lists its entries as items of a list, the
// authors after a full stop, a comma, a dash, a colon or a line break; a
// list right under a title that has no authors is still that title's
// author list.
func TestWorkshopPapersListed(t *testing.T) {
	const pageURL = "http://example.org/early/papers.html"
	tests := []struct {
		name, content string
		want          []string // "TITLE | AUTHORS"
	}{{
		name: "items of an ordered list",
		content: `<ol>
<li><b><a href="papers/a.pdf">Sketching Gradients</a></b>. Yusuf Adeyemi (Lowmoor Institute), Clara Bergstrom (Fernmark University)
<li><b>Counting Bits</b>,
Nadia Ferreira (Driftwood Labs)
<li><a href="papers/c.pdf"><strong>Quiet Neighbours: Isolation</strong></a> – Dana Whitfield (Corran Polytechnic)</li>
<li><b>Tiny Caches</b><br>Bram Vos, Kettle Computing</li>
<li><b>Label Noise</b>: Ana Silva (Oak University)</li>
</ol>`,
		want: []string{
			"Sketching Gradients | Yusuf Adeyemi (Lowmoor Institute), Clara Bergstrom (Fernmark University)",
			"Counting Bits | Nadia Ferreira (Driftwood Labs)",
			"Quiet Neighbours: Isolation | Dana Whitfield (Corran Polytechnic)",
			"Tiny Caches | Bram Vos, Kettle Computing",
			"Label Noise | Ana Silva (Oak University)",
		},
	}, {
		name: "a title's authors in the list under it, a bold presenter among them",
		content: `<p><a href="papers/l.pdf"><strong>Litz: Elasticity</strong></a></p>
<ul><li><b>Aurick Example</b>*; Abu Sample, Petuum, Inc.</li></ul>
<p><strong>Second Title</strong>: Ann Poe (MIT)</p>`,
		want: []string{"Litz: Elasticity | Aurick Example*; Abu Sample, Petuum, Inc.", "Second Title | Ann Poe (MIT)"},
	}, {
		name: "a list of plain items holds no entries",
		content: `<p><strong>Only Title</strong>: Ann Poe (MIT)</p>
<ul><li>Posters are up all day.</li><li>Ask the authors.</li></ul>`,
		want: []string{"Only Title | Ann Poe (MIT)"},
	}}
	for _, tt := range tests {
		r := mustExtract(t, workshopDoc(`<h1>Accepted Papers</h1>`+tt.content), pageURL)
		if r.Extractor != "workshop-papers" {
			t.Errorf("%s: extractor %q, want workshop-papers", tt.name, r.Extractor)
		}
		var got []string
		for _, p := range r.Papers {
			got = append(got, p.Title+" | "+p.Authors)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: papers (-want +got):\n%s", tt.name, diff)
		}
	}
}
