// What a stack module provides: its defaults from detection and the Plan for given answers.
import type { Answers, AnswersInput, StackId } from "../answers.js";
import type { RepoFacts } from "../detect/repo.js";
import type { Plan } from "../plan.js";

export interface StackModule {
  id: StackId;
  title: string;
  /** Built-in example app (folder under examples/) used outside a Python repo. */
  example: string;
  /** Answers this stack can fill from the repo (module paths, health path). */
  detect(facts: RepoFacts): Partial<AnswersInput>;
  /** Answers the stack cannot run without, with the flag or prod-kit.yaml key that sets each. */
  required(answers: Answers): { key: keyof Answers; hint: string }[];
  /** Answers that name a Python module of the app (module or module:attribute); each must exist. */
  modules: (keyof Answers)[];
  plan(answers: Answers, facts: RepoFacts): Plan;
}
