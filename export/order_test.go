package export_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/normalize"
)

func TestSortTalks(t *testing.T) {
	talks := []normalize.Talk{
		{ID: "c", Date: ""},
		{ID: "b", Date: "2023-01-11"},
		{ID: "a", Date: ""},
		{ID: "z", Date: "2017-10-28"},
		{ID: "a", Date: "2023-01-11"},
	}
	export.SortTalks(talks)
	var got []string
	for _, t := range talks {
		got = append(got, t.ID+"@"+string(t.Date))
	}
	want := []string{"z@2017-10-28", "a@2023-01-11", "b@2023-01-11", "a@", "c@"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

func TestSortTalksSample(t *testing.T) {
	var got []string
	for _, t := range sortedSample() {
		got = append(got, t.ID)
	}
	want := []string{
		"sosp17-joseph-gonzalez",
		"sosp19-aligraph",
		"sosp19-matei-zaharia",
		"mlsys-2022-02-24-fait-poms",
		"mlsys-2022-05-05-xinyu-hu",
		"mlsys-2023-01-11-tri-dao",
		"mlsys-upcoming-matthias-poloczek",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}
