using System;
var x = new Client { A = 1, B: "2" };
  - [ broken
