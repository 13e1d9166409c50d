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
