package scrape_test

import (
	"fmt"

	"github.com/mlsysscrape/mlsysscrape/scrape"
)

func ExampleExtractPage() {
	page := `<html><body>
<header><h1 class="site-name">Stanford MLSys Seminar</h1></header>
<h2>Previous Talks</h2>
<div class="talk-list">
  <div class="talk list-group-item">
    <div class="talk-date">5/5/22</div>
    <div class="talk-presenter">Xinyu Hu and Olcay Cirit</div>
    <span><a class="talk-title-link" href="https://www.youtube.com/watch?v=CJTitzj0qBo">DeepETA: How Uber Predicts Arrival Times Using Deep Learning <i class="bi bi-box-arrow-up-right"></i></a></span>
    <details><summary>Abstract</summary> How arrival times are
      predicted.<br><br><strong>Bio: </strong> Two engineers.<br><br>
      <strong><a href="https://www.youtube.com/watch?v=CJTitzj0qBo">Video Link</a></strong></details>
  </div>
  <div class="talk list-group-item"><div class="talk-date"></div><div class="talk-presenter">Thanksgiving</div></div>
</div></body></html>`
	r, err := scrape.ExtractPage([]byte(page), "https://mlsys.stanford.edu/")
	if err != nil {
		fmt.Println(err)
		return
	}
	t := r.Talks[0]
	fmt.Printf("%s | %s | %s\n", r.Extractor, t.Event, t.Series)
	fmt.Printf("%s | %q | %s\n", t.Date, t.Presenters, t.Title)
	fmt.Printf("abstract %q\nbio %q\n", t.Abstract, t.Bio)
	fmt.Println(t.Links)
	fmt.Println(r.Skipped[0].Text, "->", r.Skipped[0].Reason)
	// Output:
	// seminar | Stanford MLSys Seminar | Previous Talks
	// 5/5/22 | ["Xinyu Hu and Olcay Cirit"] | DeepETA: How Uber Predicts Arrival Times Using Deep Learning
	// abstract ["How arrival times are\n      predicted."]
	// bio ["Two engineers."]
	// [{https://www.youtube.com/watch?v=CJTitzj0qBo title} {https://www.youtube.com/watch?v=CJTitzj0qBo Video Link}]
	// Thanksgiving -> not a talk: thanksgiving
}
