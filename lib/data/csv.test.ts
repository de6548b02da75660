import { describe, expect, it } from "vitest";
import { csvRecord } from "./csv";

describe("csvRecord", () => {
  it("quotes separators, quotes and line breaks, and leaves empty cells for null", () => {
    expect(csvRecord(["a,b", 'say "hi"', "two\nlines", null, undefined, "plain"])).toBe('"a,b","say ""hi""","two\nlines",,,plain\n');
  });

  it("neutralises text that a spreadsheet would run as a formula", () => {
    expect(csvRecord(["=HYPERLINK(\"x\")", "+1", "-cmd", "@SUM(A1)", "\tx"])).toBe(`"'=HYPERLINK(""x"")",'+1,'-cmd,'@SUM(A1),'\tx\n`);
  });

  it("keeps numbers (negative ones too), booleans and objects readable", () => {
    expect(csvRecord([-0.5, 3, true, false, { lr: 0.1 }])).toBe('-0.5,3,true,false,"{""lr"":0.1}"\n');
  });
});
