package dedup

import "testing"

func TestUnspaced(t *testing.T) {
	for text, want := range map[string]bool{
		"中国人民银行周四宣布将基准利率上调":                                true,
		"日本銀行は金曜日に金利を据え置くと発表した":                            true,
		"ธนาคารแห่งประเทศไทยประกาศขึ้นอัตราดอกเบี้ยนโยบาย": true,
		"BEIJING (Reuters) - 中国人民银行周四宣布将基准利率上调二十五个基点":      true, // a Latin dateline, then Chinese
		"The central bank raised its key interest rate":    false,
		"Банк России повысил ключевую ставку":              false,
		"الحكومة تعلن عن خطة جديدة":                        false,
		"A story quoting 中国 once, otherwise in English":    false,
		"": false,
	} {
		if got := unspaced(text); got != want {
			t.Errorf("unspaced(%q) = %v, want %v", text, got, want)
		}
	}
}
