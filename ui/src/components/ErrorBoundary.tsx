import { Component, type ErrorInfo, type ReactNode } from "react";
import { Details } from "./Details";
import { AlertIcon } from "./Icons";

/** Last line of defence: a bug in one screen shows words and a way out, not a blank window. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error("UI error", error, info.componentStack);
  }

  render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="fullscreen">
        <div className="state state-error" role="alert">
          <div className="state-icon">
            <AlertIcon size={20} />
          </div>
          <h3>Something went wrong on this screen</h3>
          <p>Your runs are safe and keep going in the background.</p>
          <button type="button" className="btn" onClick={() => this.setState({ error: null })}>
            Try again
          </button>
          <Details text={`${error.name}: ${error.message}\n${error.stack ?? ""}`} />
        </div>
      </div>
    );
  }
}
